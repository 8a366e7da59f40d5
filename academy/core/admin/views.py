"""Administration pages (to be completed)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index() -> str:
    return ""
