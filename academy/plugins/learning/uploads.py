"""Files learners hand in: allowed types, size limit, and a check that the content
is what the name says (a file that lies about its type is refused)."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import current_app
from flask_babel import gettext as _

from academy.core.errors import DomainError
from academy.core.storage import storage

_ZIP = b"PK\x03\x04"
#: extension -> (media type, leading bytes the content must start with; None: text)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (_ZIP,),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (_ZIP,)),
    "txt": ("text/plain", None),
}
#: The part an office document's zip must hold to be one (any zip starts like a .docx).
OFFICE_PARTS = {"docx": "word/document.xml", "odt": "content.xml"}


@dataclass(frozen=True)
class StoredFile:
    key: str
    name: str
    size: int
    media_type: str


def allowed_extensions() -> str:
    return ", ".join(sorted(ALLOWED))


def _holds(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        return False


def _looks_right(data: bytes, magic: tuple[bytes, ...] | None) -> bool:
    if magic is None:
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return any(data.startswith(prefix) for prefix in magic)


def check_file(name: str, data: bytes) -> tuple[str, str]:
    """(safe file name, media type), or a DomainError naming what is wrong."""
    safe = PurePosixPath(name.replace("\\", "/")).name.strip()[:200] or "file"
    extension = safe.rsplit(".", 1)[-1].lower() if "." in safe else ""
    if extension not in ALLOWED:
        raise DomainError(
            _(
                "Files of this type cannot be handed in. Allowed: %(types)s.",
                types=allowed_extensions(),
            ),
            field="file",
        )
    limit = current_app.config["LEARNING_UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise DomainError(
            _("The file is larger than %(size)d MB.", size=limit // (1024 * 1024)), field="file"
        )
    if not data:
        raise DomainError(_("The file is empty."), field="file")
    media_type, magic = ALLOWED[extension]
    part = OFFICE_PARTS.get(extension)
    if not _looks_right(data, magic) or (part is not None and not _holds(data, part)):
        raise DomainError(
            _("The file's content is not a %(type)s file, as its name says.", type=extension),
            field="file",
        )
    return safe, media_type


def store_submission_file(enrolment_id: int, name: str, data: bytes) -> StoredFile:
    """Check and store a handed-in file under a key nobody can guess."""
    safe, media_type = check_file(name, data)
    key = f"submissions/{enrolment_id}/{uuid.uuid4().hex}"
    storage().put(key, data)
    return StoredFile(key, safe, len(data), media_type)
