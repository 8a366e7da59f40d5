"""Forms of the package pages: upload, confirm an import, trust a key file, revoke."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField


class UploadForm(FlaskForm):
    package = FileField(
        _l("Course package (.zip) or Common Cartridge (.imscc)"),
        validators=[FileRequired(_l("Choose a package file."))],
        description=_l(
            "A package built with academy packages build or exported by an academy, or a "
            "Common Cartridge 1.0 to 1.3 exported by another learning platform."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = int(current_app.config["PACKAGE_UPLOAD_MAX_BYTES"])
        self.package.validators = [
            *self.package.validators,
            FileSize(limit, message=_l("The file is too large.")),
        ]


class ConfirmForm(FlaskForm):
    trust = BooleanField(_l("Trust this publisher and its key from now on"))
    force = BooleanField(_l("Import this version even though it is not newer"))


class KeyFileForm(FlaskForm):
    key_file = FileField(
        _l("Publisher key file (.json)"),
        validators=[FileRequired(_l("Choose a key file."))],
        description=_l("The file a partner academy made with academy publishers export."),
    )


class ActionForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""
