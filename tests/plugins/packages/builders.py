"""Small synthetic course packages for the tests, as file maps or folders in tmp_path.

:func:`sample_files` returns ``{path: bytes}`` for a valid package: two
modules, lessons, a quiz, an assignment, an asset and translations whose
``source_hash`` matches the source files (fresh) unless told otherwise.
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from academy.plugins.packages.archive import write_zip
from academy.plugins.packages.signing import Signer, sign_files

COURSE_UUID = "0b7c0e9e-3c1e-4d8a-9a57-3a3f0c4d2e11"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lesson_md(key: str, body: str | None = None, source_hash: str | None = None) -> bytes:
    front = f'source_hash = "{source_hash}"\n' if source_hash else ""
    front += f'title = "Lesson {key}"\ndiscussion_prompt = "What about {key}?"\n'
    text = body if body is not None else f"The text of {key}.\n\n![diagram](assets/diagram.png)"
    return f"+++\n{front}+++\n\n{text}\n".encode()


def simple_md(title: str, body: str, source_hash: str | None = None) -> bytes:
    front = f'source_hash = "{source_hash}"\n' if source_hash else ""
    return f'+++\n{front}title = "{title}"\n+++\n\n{body}\n'.encode()


def quiz_toml(prefix: str = "", source_hash: str | None = None) -> bytes:
    head = f'source_hash = "{source_hash}"\n' if source_hash else ""
    return (
        head
        + f'title = "{prefix}Quiz"\nintro = "{prefix}Two questions."\n\n'
        + f'[questions.q-one]\ntext = "{prefix}One?"\nfeedback = "{prefix}Because."\n'
        + f'[questions.q-one.choices]\na = "{prefix}Yes"\nb = "{prefix}No"\n\n'
        + f'[questions.q-two]\ntext = "{prefix}Two?"\nfeedback = ""\n'
        + f'[questions.q-two.choices]\ntrue = "{prefix}True"\nfalse = "{prefix}False"\n'
    ).encode()


def manifest(
    version: str = "1.0.0",
    lessons: Iterable[str] = ("welcome", "first-steps"),
    *,
    slug: str = "sample-course",
    uuid: str = COURSE_UUID,
    quiz: bool = True,
    assignment: bool = True,
) -> bytes:
    out = [
        "format_version = 1\n\n[course]\n",
        f'id = "{uuid}"\nslug = "{slug}"\nversion = "{version}"\n',
        'source_language = "en"\nlicence = "CC-BY-SA-4.0"\nrequires_signoff = false\n',
        '\n[[modules]]\nid = "basics"\n',
    ]
    for key in lessons:
        out.append(f'\n[[modules.items]]\ntype = "lesson"\nid = "{key}"\nminutes = 10\n')
    if quiz:
        out.append(
            '\n[[modules.items]]\ntype = "quiz"\nid = "basics-quiz"\npass_mark = 50\n'
            'max_attempts = 2\n\n[[modules.items.questions]]\nid = "q-one"\nkind = "single"\n'
            'choices = ["a", "b"]\ncorrect = ["a"]\n\n[[modules.items.questions]]\nid = "q-two"\n'
            'kind = "true_false"\nchoices = ["true", "false"]\ncorrect = ["true"]\n'
        )
    out.append('\n[[modules]]\nid = "practice"\n')
    if assignment:
        out.append('\n[[modules.items]]\ntype = "assignment"\nid = "practice-task"\nminutes = 60\n')
    return "".join(out).encode()


def sample_files(
    version: str = "1.0.0",
    lessons: Iterable[str] = ("welcome", "first-steps"),
    *,
    bodies: dict[str, str] | None = None,
    languages: Iterable[str] = ("fr",),
    slug: str = "sample-course",
    uuid: str = COURSE_UUID,
) -> dict[str, bytes]:
    """A valid package's content files (no signature files)."""
    lessons = list(lessons)
    bodies = bodies or {}
    files = {
        "course.toml": manifest(version, lessons, slug=slug, uuid=uuid),
        "en/course.md": b'+++\ntitle = "Sample course"\nsummary = "A summary."\n+++\n\nAbout it.\n',
        "en/modules/basics.md": simple_md("Basics", "The basics."),
        "en/modules/practice.md": simple_md("Practice", "Practise."),
        "en/quizzes/basics-quiz.toml": quiz_toml(),
        "en/assignments/practice-task.md": simple_md("Task", "Do the task."),
        "assets/diagram.png": PNG,
    }
    for key in lessons:
        files[f"en/lessons/{key}.md"] = lesson_md(key, bodies.get(key))
    for language in languages:
        files.update(translate(files, language))
    return files


def translate(files: dict[str, bytes], language: str) -> dict[str, bytes]:
    """A translation of every lesson, module and the quiz, fresh against ``files``."""
    out: dict[str, bytes] = {}
    for path, data in files.items():
        if not path.startswith("en/") or path == "en/course.md":
            continue
        target = f"{language}/{path[3:]}"
        prefix = f"[{language}] "
        if path.endswith(".toml"):
            out[target] = quiz_toml(prefix, source_hash=sha(data))
        elif "/lessons/" in path:
            key = path.rsplit("/", 1)[1][:-3]
            out[target] = lesson_md(f"{prefix}{key}", f"{prefix}text of {key}", sha(data))
        else:
            out[target] = simple_md(f"{prefix}title", f"{prefix}body", sha(data))
    return out


def write_package(root: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` as a package folder under ``root``."""
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def new_signer(publisher_id: str = "partner-academy", name: str = "Partner academy") -> Signer:
    return Signer.from_private(publisher_id, name, Ed25519PrivateKey.generate())


def signed_zip(files: dict[str, bytes], signer: Signer) -> bytes:
    return write_zip(sign_files(files, signer))


def raw_zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    """A zip with exactly these entries (duplicates allowed), for hostile cases."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for info, data in entries:
                archive.writestr(info, data)
    return buffer.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}
