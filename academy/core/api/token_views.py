"""The signed-in user's API tokens: list, create (secret shown once) and revoke.

The secret of a new token is rendered on the page that answers the POST and
nowhere else: it is neither stored (only its hash is) nor put in the session.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from academy.core.api.models import ApiToken
from academy.core.api.tokens import create_token, revoke_token, tokens_of
from academy.core.permissions import is_signed_in, require
from academy.extensions import db

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("A label that tells you where the token is used, e.g. 'reporting script'."),
    )


def _render_index(form: TokenForm) -> str:
    return render_template("tokens/index.html", form=form, tokens=tokens_of(current_user))


@bp.get("")
@require(is_signed_in)
def index() -> str:
    """My tokens and the form to create one."""
    return _render_index(TokenForm())


@bp.post("")
@require(is_signed_in)
def create() -> Any:
    """Create a token and show its secret, once."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_index(form), 422
    token, secret = create_token(current_user, name=form.name.data.strip())
    response = make_response(render_template("tokens/created.html", token=token, secret=secret))
    response.headers["Cache-Control"] = "no-store"
    return response


def _my_token(token_id: int) -> ApiToken:
    """The current user's token ``token_id``; 404 for anyone else's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    return token


@bp.post("/<int:token_id>/revoke")
@require(is_signed_in)
def revoke(token_id: int) -> Response:
    """Revoke one of my tokens: it stops working at once."""
    token = _my_token(token_id)
    revoke_token(token, by=current_user)
    flash(_("The token “%(name)s” was revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
