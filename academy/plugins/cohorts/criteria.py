"""Selection criteria: what reviewers score (0-5 each) and how much each one weighs.

A cohort stores its criteria as ``[{"key", "label", "weight"}]``.  The two
default criteria have translated labels; criteria a manager adds keep the
label they typed.  Managers edit them as text, one criterion per line:
``label | weight`` (the weight is optional and defaults to 1).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy.core.errors import DomainError

SCORE_MIN, SCORE_MAX = 0, 5
WEIGHT_MAX = 10
TECHNICAL_QUALITY = "technical-quality"
INTERNATIONAL_EXPERIENCE = "international-experience"

#: The committee judges the technical quality of the application, and international
#: experience as an advantage (a score), never a precondition.
DEFAULT_CRITERIA: list[dict[str, Any]] = [
    {"key": TECHNICAL_QUALITY, "label": "Technical quality of the application", "weight": 2},
    {"key": INTERNATIONAL_EXPERIENCE, "label": "International experience", "weight": 1},
]
DEFAULT_LABELS = {
    TECHNICAL_QUALITY: _l("Technical quality of the application"),
    INTERNATIONAL_EXPERIENCE: _l("International experience"),
}


def default_criteria() -> list[dict[str, Any]]:
    return [dict(criterion) for criterion in DEFAULT_CRITERIA]


def criterion_label(criterion: dict[str, Any]) -> str:
    """The criterion's label, translated for the default ones."""
    key = criterion.get("key", "")
    default = next((c for c in DEFAULT_CRITERIA if c["key"] == key), None)
    if default is not None and criterion.get("label") == default["label"]:
        return str(DEFAULT_LABELS[key])
    return str(criterion.get("label") or key)


def _key_of(label: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "criterion"


def criteria_text(criteria: list[dict[str, Any]]) -> str:
    """The criteria as the text managers edit."""
    return "\n".join(f"{c['label']} | {c.get('weight', 1)}" for c in criteria)


def _parse_line(line: str) -> tuple[str, int]:
    label, _sep, weight_text = line.partition("|")
    label = label.strip()[:120]
    weight_text = weight_text.strip() or "1"
    if not label or not weight_text.isdigit() or not 1 <= int(weight_text) <= WEIGHT_MAX:
        raise DomainError(
            _(
                "Write one criterion per line as “label | weight”, with a weight from 1 to "
                "%(max)d: “%(line)s” does not fit.",
                max=WEIGHT_MAX,
                line=line.strip(),
            ),
            field="criteria",
        )
    return label, int(weight_text)


def parse_criteria(text: str, current: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Criteria from the managers' text; a label already known keeps its key."""
    known = {c["label"]: c["key"] for c in (current or []) + DEFAULT_CRITERIA}
    criteria: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, weight = _parse_line(line)
        key = known.get(label) or _key_of(label)
        while key in {c["key"] for c in criteria}:
            key = f"{key}-{len(criteria) + 1}"
        criteria.append({"key": key, "label": label, "weight": weight})
    return criteria


def check_scores(criteria: list[dict[str, Any]], scores: dict[str, Any]) -> dict[str, int]:
    """The scores of every criterion, each a whole number from 0 to 5, else DomainError."""
    checked: dict[str, int] = {}
    for criterion in criteria:
        value = scores.get(criterion["key"])
        if not isinstance(value, int) or isinstance(value, bool):
            raise DomainError(
                _("Please score “%(criterion)s”.", criterion=criterion_label(criterion)),
                field=criterion["key"],
            )
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise DomainError(
                _("Scores go from %(low)d to %(high)d.", low=SCORE_MIN, high=SCORE_MAX),
                field=criterion["key"],
            )
        checked[criterion["key"]] = value
    return checked


def weighted_score(criteria: list[dict[str, Any]], means: dict[str, float]) -> float | None:
    """The weighted mean of the criteria's mean scores (0-5), None when nothing is scored."""
    scored = [c for c in criteria if c["key"] in means]
    total_weight = sum(int(c.get("weight", 1)) for c in scored)
    if not scored or not total_weight:
        return None
    return sum(means[c["key"]] * int(c.get("weight", 1)) for c in scored) / total_weight
