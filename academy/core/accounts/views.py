"""Account pages: sign-up, confirmation, sign-in and out, password reset, profile, privacy.

Views validate a form and call ``services``; the request's transaction
commits on success.  Refused forms answer 422 so nothing is committed.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from academy.core.accounts import privacy, services
from academy.core.accounts.forms import (
    ActionForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
    organisation_id,
)
from academy.core.accounts.models import User
from academy.core.errors import DomainError
from academy.core.permissions import is_signed_in, require
from academy.core.urls import safe_next_url
from academy.extensions import limiter

bp = Blueprint("account", __name__, url_prefix="/account")
Page = Any  # what a view returns: a rendered page, a (page, status) pair or a redirect


def _limited(setting: str) -> Any:
    """Rate-limit a view's POSTs with the limit named by config ``setting``."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


def _me() -> User:
    user: User = current_user._get_current_object()
    return user


def _page(template: str, form: FlaskForm, **context: Any) -> Page:
    """The form's page: 422 when it was submitted (and refused), else 200."""
    status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


def _refused(template: str, form: FlaskForm, error: DomainError, **context: Any) -> Page:
    """Show a service's refusal on its field, or above the form, with status 422."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
    return render_template(template, form=form, **context), 422


def _start_session(user: User, *, remember: bool) -> None:
    """Sign ``user`` in on a fresh session; only the chosen language survives."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


def _end_session(locale: str | None = None) -> None:
    """Sign out and forget the session, keeping the interface language."""
    locale = locale or str(get_locale())
    session.clear()
    logout_user()
    session["locale"] = locale


def _link_refused(error: DomainError, action: str) -> Page:
    """An invalid or expired emailed link: say so and offer a new one."""
    form = EmailForm(formdata=None)
    page = render_template(
        "account/link_invalid.html", message=error.message, form=form, action=action
    )
    return page, 400


# Sign-up and confirmation


@bp.route("/register", methods=["GET", "POST"])
@_limited("RATELIMIT_SIGNUP")
def register() -> Page:
    if current_user.is_authenticated:
        return redirect(url_for(".profile"))
    form = RegisterForm()
    if not form.is_submitted():
        form.language.data = str(get_locale())
    if not form.validate_on_submit():
        return _page("account/register.html", form)
    try:
        user = services.register(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            organisation_id=organisation_id(form.organisation.data),
            job_function=form.job_function.data or "",
            locale=form.language.data,
        )
    except DomainError as error:
        return _refused("account/register.html", form, error)
    flash(
        _(
            "We have sent an email to %(email)s. Open the link in it to confirm your address.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for(".login"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Page:
    """GET only shows a button: mail scanners open links, only people press buttons."""
    try:
        services.user_for_confirm_token(token)
    except DomainError as error:
        return _link_refused(error, "account.resend_confirmation")
    form = ActionForm()
    if not form.validate_on_submit():
        return _page("account/confirm.html", form)
    services.confirm_email(token)
    flash(_("Your email address is confirmed. You can sign in now."), "success")
    return redirect(url_for(".login"))


@bp.route("/resend-confirmation", methods=["GET", "POST"])
@_limited("RATELIMIT_RESET")
def resend_confirmation() -> Page:
    form = EmailForm()
    if not form.validate_on_submit():
        return _page("account/resend.html", form)
    services.resend_confirmation(form.email.data)
    flash(
        _(
            "If this address belongs to an account that is not confirmed yet, "
            "we have sent a new confirmation link to it."
        ),
        "success",
    )
    return redirect(url_for(".login"))


# Signing in and out


@bp.route("/login", methods=["GET", "POST"])
@_limited("RATELIMIT_LOGIN")
def login() -> Page:
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _page("account/login.html", form)
    try:
        user = services.authenticate(form.email.data, form.password.data)
    except services.EmailNotConfirmed as error:
        return render_template("account/login.html", form=form, unconfirmed=error.message), 422
    except DomainError as error:
        return _refused("account/login.html", form, error)
    _start_session(user, remember=bool(form.remember.data))
    services.record_login(user)
    return redirect(safe_next_url(form.next.data))


@bp.post("/logout")
def logout() -> Page:
    _end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


# Forgotten password


@bp.route("/password-reset", methods=["GET", "POST"])
@_limited("RATELIMIT_RESET")
def forgot_password() -> Page:
    form = EmailForm()
    if not form.validate_on_submit():
        return _page("account/forgot_password.html", form)
    services.request_password_reset(form.email.data)
    flash(
        _(
            "If an account uses this address, we have sent it a link to choose a new password. "
            "Please check your inbox."
        ),
        "success",
    )
    return redirect(url_for(".login"))


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@_limited("RATELIMIT_RESET")
def reset_password(token: str) -> Page:
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        return _link_refused(error, "account.forgot_password")
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return _page("account/reset_password.html", form)
    try:
        user = services.reset_password(token, form.password.data)
    except DomainError as error:
        return _refused("account/reset_password.html", form, error)
    _start_session(user, remember=False)
    services.record_login(user)
    flash(_("Your new password is saved and you are signed in."), "success")
    return redirect(url_for(".profile"))


# Profile and password


def _profile_data(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "organisation": str(user.organisation_id or ""),
        "job_function": user.job_function,
        "language": user.locale or str(get_locale()),
    }


@bp.route("/", methods=["GET", "POST"])
@require(is_signed_in)
def profile() -> Page:
    user = _me()
    data = None if request.method == "POST" else _profile_data(user)
    form = ProfileForm(data=data, current=user.organisation)
    if not form.validate_on_submit():
        return _page("account/profile.html", form, user=user, export_form=ActionForm())
    try:
        services.update_profile(
            user,
            name=form.name.data,
            organisation_id=organisation_id(form.organisation.data),
            job_function=form.job_function.data or "",
            locale=form.language.data,
        )
    except DomainError as error:
        return _refused("account/profile.html", form, error, user=user, export_form=ActionForm())
    if user.locale:
        session["locale"] = user.locale
    refresh()  # the confirmation below is in the newly chosen language
    flash(_("Your profile is saved."), "success")
    return redirect(url_for(".profile"))


@bp.route("/password", methods=["GET", "POST"])
@require(is_signed_in)
@_limited("RATELIMIT_LOGIN")
def change_password() -> Page:
    user = _me()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page("account/change_password.html", form)
    try:
        services.change_password(user, form.current_password.data, form.password.data)
    except DomainError as error:
        return _refused("account/change_password.html", form, error)
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    _start_session(user, remember=remembered in request.cookies)
    flash(_("Your new password is saved. You were signed out everywhere else."), "success")
    return redirect(url_for(".profile"))


# Export my data, delete my account


@bp.post("/export")
@require(is_signed_in)
def export() -> Response:
    data = privacy.export_data(_me())
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=academy-my-data.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@require(is_signed_in)
@_limited("RATELIMIT_LOGIN")
def delete() -> Page:
    user = _me()
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page("account/delete.html", form)
    locale = str(get_locale())  # the person's language, before it is erased
    try:
        services.require_current_password(user, form.password.data)
        privacy.delete_account(user)
    except DomainError as error:
        return _refused("account/delete.html", form, error)
    _end_session(locale)
    flash(_("Your account is deleted. Thank you for learning with us."), "success")
    return redirect(url_for("main.home"))
