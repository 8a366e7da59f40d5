"""What the journeys know about a built-in course, read from its source in courses/:
the items in order, each quiz's right and wrong answers, and titles per language."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.server import ROOT

FOLDERS = {"lesson": "lessons", "quiz": "quizzes", "assignment": "assignments"}


@dataclass(frozen=True)
class Question:
    key: str
    multiple: bool
    choices: tuple[str, ...]
    correct: tuple[str, ...]

    def wrong(self) -> tuple[str, ...]:
        """An answer that scores nothing: the wrong choices (one of them for a single)."""
        wrong = tuple(c for c in self.choices if c not in self.correct)
        return wrong if self.multiple else wrong[:1]


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class SourceCourse:
    slug: str
    folder: Path
    items: tuple[Item, ...]

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)

    def title(self, item: Item, language: str) -> str:
        """An item's title in ``language``, from its front matter or quiz file."""
        path = self.folder / language / FOLDERS[item.type] / item.key
        if item.type == "quiz":
            data = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
        else:
            front = path.with_suffix(".md").read_text(encoding="utf-8").split("+++")[1]
            data = tomllib.loads(front)
        return str(data["title"])

    def course_title(self, language: str) -> str:
        text = (self.folder / language / "course.md").read_text(encoding="utf-8")
        return str(tomllib.loads(text.split("+++")[1])["title"])


def load(slug: str) -> SourceCourse:
    folder = ROOT / "courses" / slug
    manifest = tomllib.loads((folder / "course.toml").read_text(encoding="utf-8"))
    items = [
        Item(
            key=entry["id"],
            type=entry["type"],
            questions=tuple(
                Question(
                    key=q["id"],
                    multiple=q["kind"] == "multiple",
                    choices=tuple(q["choices"]),
                    correct=tuple(q["correct"]),
                )
                for q in entry.get("questions", ())
            ),
        )
        for module in manifest["modules"]
        for entry in module["items"]
    ]
    return SourceCourse(slug=slug, folder=folder, items=tuple(items))
