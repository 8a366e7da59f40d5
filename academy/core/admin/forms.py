"""Forms of the administration pages: list filters (GET, no CSRF) and actions (POST)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from academy.core.accounts.models import OrganisationKind, Role
from academy.core.admin.services import UserStatus, country_codes, country_names


class FilterForm(FlaskForm):
    """A search form read from the query string: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False


def _with_all(label: str, options: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *options]


def country_choices(locale: str) -> list[tuple[str, str]]:
    """(code, name) of every country, sorted by its name in ``locale``."""
    return list(country_names(locale).items())


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in OrganisationKind]


class UserFilterForm(FilterForm):
    q = SearchField(_l("Name or email"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), default="")
    status = SelectField(_l("Status"), default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _with_all(_("All roles"), ((r.value, r.label) for r in Role))
        self.status.choices = _with_all(_("All statuses"), ((s.value, s.label) for s in UserStatus))


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, one per choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles.choices = [(role.value, role.label) for role in Role]

    def selected_roles(self) -> list[Role]:
        return [Role(value) for value in self.roles.data or ()]


class OrganisationFilterForm(FilterForm):
    q = SearchField(_l("Name"), validators=[Length(max=200)])
    kind = SelectField(_l("Kind"), default="")
    country = SelectField(_l("Country"), default="")

    def __init__(self, *args: Any, locale: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _with_all(_("All kinds"), kind_choices())
        self.country.choices = _with_all(_("All countries"), country_choices(locale))


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Please enter the organisation's name.")), Length(max=200)],
    )
    kind = SelectField(_l("Kind"))
    country = SelectField(
        _l("Country"),
        validate_choice=False,
        validators=[DataRequired(_l("Please choose a country."))],
    )

    def __init__(self, *args: Any, locale: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()
        self.country.choices = [("", _("Choose a country")), *country_choices(locale)]

    def validate_country(self, field: SelectField) -> None:
        if field.data not in country_codes():
            raise ValidationError(_("Please choose a country from the list."))


class AuditFilterForm(FilterForm):
    actor = SearchField(_l("Actor's email contains"), validators=[Length(max=254)])
    action = SelectField(_l("Action"), default="")
    target_type = SelectField(_l("Target type"), default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(
        self, *args: Any, actions: list[str], target_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = _with_all(_("All actions"), ((a, a) for a in actions))
        self.target_type.choices = _with_all(_("All types"), ((t, t) for t in target_types))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date is before the start date."))

    def since(self) -> datetime | None:
        """The start of the "from" day in the user's time zone, as UTC."""
        return _day_start(self.date_from.data)

    def before(self) -> datetime | None:
        """The end of the "to" day (the next day's start) in the user's time zone, as UTC."""
        day = self.date_to.data
        return _day_start(day + timedelta(days=1)) if day else None


def _day_start(day: date | None) -> datetime | None:
    if day is None:
        return None
    naive = datetime.combine(day, time.min)
    zone = get_timezone() or UTC
    localize = getattr(zone, "localize", None)  # pytz zones
    local = localize(naive) if localize else naive.replace(tzinfo=zone)
    return local.astimezone(UTC)
