"""Account pages (to be completed)."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str:
    return ""


@bp.route("/register", methods=["GET", "POST"])
def register() -> str:
    return ""


@bp.post("/logout")
def logout() -> str:
    return ""


@bp.get("/")
def profile() -> str:
    return ""
