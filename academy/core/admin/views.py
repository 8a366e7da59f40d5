"""Administration pages: users, organisations and the audit log.

Each page checks its permission, validates a form and calls a service in
``academy.core.admin.services`` (or ``accounts.services``).  Refusals re-render
the page with status 422, so the request's transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import Select

from academy.core.accounts.models import Organisation, OrganisationKind, Role, User
from academy.core.accounts.services import set_roles
from academy.core.admin import services
from academy.core.admin.forms import (
    AuditFilterForm,
    OrganisationFilterForm,
    OrganisationForm,
    RolesForm,
    UserFilterForm,
)
from academy.core.errors import DomainError
from academy.core.permissions import (
    Permission,
    can_manage_organisations,
    can_manage_users,
    can_view_audit_log,
    require,
)
from academy.core.urls import page_arg
from academy.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@dataclass(frozen=True)
class Section:
    """An entry of the administration landing page."""

    endpoint: str
    title: Any
    description: Any
    permission: Permission


SECTIONS = (
    Section(
        "admin.users",
        _l("Users"),
        _l("Find people, change their roles, deactivate and reactivate accounts."),
        can_manage_users,
    ),
    Section(
        "admin.organisations",
        _l("Organisations"),
        _l("The municipalities, regions and associations people belong to."),
        can_manage_organisations,
    ),
    Section(
        "admin.audit_log",
        _l("Audit log"),
        _l("Who changed what, and when."),
        can_view_audit_log,
    ),
)

can_open_admin = Permission(
    "can_open_admin",
    _l("The administration pages are for administrators and academy managers."),
    lambda user, *_: any(section.permission(user) for section in SECTIONS),
)


# --- helpers ---------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _locale() -> str:
    return str(get_locale() or "en")


def _page(query: Select[Any]) -> Pagination:
    return db.paginate(query, page=page_arg(), per_page=PER_PAGE, max_per_page=PER_PAGE)


def _link_args() -> dict[str, str]:
    """The current filters, to keep them on the pagination links."""
    return {key: value for key, value in request.args.items() if key != "page" and value}


def _field_error(form: FlaskForm, error: DomainError) -> str | None:
    """Show ``error`` on its form field; return it when no field of the form fits."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        return error.message
    field.errors = [*field.errors, error.message]
    return None


def detail_items(details: Any) -> list[tuple[str, str]]:
    """An audit event's details as (key, text) pairs, for a compact list."""
    if not isinstance(details, Mapping):
        return [("", _detail_text(details))] if details else []
    return [(str(key), _detail_text(value)) for key, value in details.items()]


def _detail_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_detail_text(item) for item in value) or "—"
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_detail_text(item)}" for key, item in value.items())
    return str(value)


# --- landing page ----------------------------------------------------------------------


@bp.get("/")
@require(can_open_admin)
def index() -> ResponseReturnValue:
    sections = [section for section in SECTIONS if section.permission(current_user)]
    return render_template("admin/index.html", sections=sections)


# --- users -----------------------------------------------------------------------------


@bp.get("/users")
@require(can_manage_users)
def users() -> ResponseReturnValue:
    form = UserFilterForm(request.args)
    page = None
    if form.validate():
        role = Role(form.role.data) if form.role.data else None
        status = services.UserStatus(form.status.data) if form.status.data else None
        page = _page(services.users_query(search=form.q.data or "", role=role, status=status))
    return render_template(
        "admin/users.html",
        form=form,
        page=page,
        link_args=_link_args(),
        roles=list(Role),
        user_status=services.user_status,
    ), (200 if page is not None else 422)


def _user_page(
    user: User, *, roles_form: RolesForm | None = None, error: str | None = None, code: int = 200
) -> ResponseReturnValue:
    if roles_form is None:
        roles_form = RolesForm(formdata=None, data={"roles": [r.value for r in user.roles]})
    return render_template(
        "admin/user.html",
        user=user,
        status=services.user_status(user),
        roles=list(Role),
        roles_form=roles_form,
        error=error,
        countries=services.country_names(_locale()),
    ), code


@bp.get("/users/<int:user_id>")
@require(can_manage_users)
def user(user_id: int) -> ResponseReturnValue:
    return _user_page(db.get_or_404(User, user_id))


@bp.post("/users/<int:user_id>/roles")
@require(can_manage_users)
def user_roles(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        return _user_page(user, roles_form=form, code=422)
    try:
        set_roles(user, form.selected_roles(), by=_me())
    except DomainError as error:
        return _user_page(user, roles_form=form, error=_field_error(form, error), code=422)
    flash(_("The roles of %(name)s were saved.", name=user.name), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@require(can_manage_users)
def user_deactivate(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    try:
        services.deactivate_user(user, by=_me())
    except DomainError as error:
        return _user_page(user, error=error.message, code=422)
    flash(_("%(name)s was deactivated and signed out everywhere.", name=user.name), "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.post("/users/<int:user_id>/reactivate")
@require(can_manage_users)
def user_reactivate(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    services.reactivate_user(user, by=_me())
    flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for(".user", user_id=user.id))


# --- organisations ---------------------------------------------------------------------


@bp.get("/organisations")
@require(can_manage_organisations)
def organisations() -> ResponseReturnValue:
    form = OrganisationFilterForm(request.args, locale=_locale())
    page = None
    if form.validate():
        kind = OrganisationKind(form.kind.data) if form.kind.data else None
        query = services.organisations_query(
            search=form.q.data or "", kind=kind, country=form.country.data or ""
        )
        page = _page(query)
    return render_template(
        "admin/organisations.html",
        form=form,
        page=page,
        link_args=_link_args(),
        countries=services.country_names(_locale()),
    ), (200 if page is not None else 422)


def _organisation_page(
    form: OrganisationForm, organisation: Organisation | None, error: str | None = None
) -> ResponseReturnValue:
    return render_template(
        "admin/organisation_form.html", form=form, organisation=organisation, error=error
    ), (422 if form.is_submitted() else 200)


@bp.route("/organisations/new", methods=["GET", "POST"])
@require(can_manage_organisations)
def organisation_new() -> ResponseReturnValue:
    form = OrganisationForm(locale=_locale())
    if not form.validate_on_submit():
        return _organisation_page(form, None)
    try:
        organisation = services.create_organisation(
            form.name.data or "", OrganisationKind(form.kind.data), form.country.data, by=_me()
        )
    except DomainError as error:
        return _organisation_page(form, None, _field_error(form, error))
    flash(_("The organisation %(name)s was added.", name=organisation.name), "success")
    return redirect(url_for(".organisations"))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@require(can_manage_organisations)
def organisation_edit(organisation_id: int) -> ResponseReturnValue:
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation, locale=_locale())
    if not form.validate_on_submit():
        return _organisation_page(form, organisation)
    try:
        services.update_organisation(
            organisation,
            name=form.name.data or "",
            kind=OrganisationKind(form.kind.data),
            country=form.country.data,
            by=_me(),
        )
    except DomainError as error:
        return _organisation_page(form, organisation, _field_error(form, error))
    flash(_("The organisation %(name)s was saved.", name=organisation.name), "success")
    return redirect(url_for(".organisation_edit", organisation_id=organisation.id))


def _set_active(organisation_id: int, active: bool) -> ResponseReturnValue:
    organisation = db.get_or_404(Organisation, organisation_id)
    services.set_organisation_active(organisation, active, by=_me())
    if active:
        message = _("%(name)s is offered at sign-up again.", name=organisation.name)
    else:
        message = _("%(name)s is no longer offered at sign-up.", name=organisation.name)
    flash(message, "success")
    return redirect(url_for(".organisation_edit", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/deactivate")
@require(can_manage_organisations)
def organisation_deactivate(organisation_id: int) -> ResponseReturnValue:
    return _set_active(organisation_id, False)


@bp.post("/organisations/<int:organisation_id>/reactivate")
@require(can_manage_organisations)
def organisation_reactivate(organisation_id: int) -> ResponseReturnValue:
    return _set_active(organisation_id, True)


# --- audit log -------------------------------------------------------------------------


@bp.get("/audit")
@require(can_view_audit_log)
def audit_log() -> ResponseReturnValue:
    form = AuditFilterForm(
        request.args,
        actions=services.audit_actions(),
        target_types=services.audit_target_types(),
    )
    page = None
    if form.validate():
        query = services.audit_query(
            actor=form.actor.data or "",
            action=form.action.data or "",
            target_type=form.target_type.data or "",
            since=form.since(),
            before=form.before(),
        )
        page = _page(query)
    return render_template(
        "admin/audit_log.html",
        form=form,
        page=page,
        link_args=_link_args(),
        detail_items=detail_items,
    ), (200 if page is not None else 422)
