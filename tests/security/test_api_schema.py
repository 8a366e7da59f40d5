"""Schemathesis against the OpenAPI document, through the WSGI app (no network).

Every operation of ``/api/v1/openapi.json`` gets generated requests — with the
token of a learner who has data to act on (an enrolment, a thread, a
certificate), with a manager's token, and without a token — and must answer
without a server error, with a documented status code, content type and body.
Path parameters are either generated or the ids of real objects, so the cases
reach past "404 no such cohort".  Invalid (negative) data is sent too, with the
learner's token: it must be refused, never crash the app.

The run is bounded and deterministic: a few derandomized examples per
operation, no shrinking (failures are collected with a curl command to
reproduce them), each request rolled back so every example sees the same academy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from academy.core.api.tokens import create_token
from academy.extensions import db, limiter
from tests.security.conftest import World, build_world
from tests.security.support import undone

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: (who, generation mode, examples per operation)
RUNS = [
    ("learner", GenerationMode.POSITIVE, 5),
    ("manager", GenerationMode.POSITIVE, 3),
    ("anonymous", GenerationMode.POSITIVE, 1),
    ("learner", GenerationMode.NEGATIVE, 2),
]


def real_ids(world: World) -> dict[str, Callable[[str], Any]]:
    """The learner's objects, by path parameter name (``item_id`` by the path's kind)."""
    items = {"lessons": world.lesson.id, "quizzes": world.quiz.id}
    values = {
        "cohort_id": world.cohort_a.id,
        "enrolment_id": world.enrolment.id,
        "thread_id": world.thread.id,
        "post_id": world.reply.id,
        "code": world.certificate.code,
    }
    found: dict[str, Callable[[str], Any]] = {
        name: (lambda _path, value=value: value) for name, value in values.items()
    }
    found["item_id"] = lambda path: items[path.split("/")[1]]
    return found


def cases(operation: Any, mode: GenerationMode, ids: dict[str, Callable[[str], Any]]) -> Any:
    """Generated cases, half of them on real objects when the path has parameters."""
    generated = operation.as_strategy(generation_mode=mode)
    names = [name for name in ids if "{" + name + "}" in operation.path]
    if not names:
        return generated
    real = {name: ids[name](operation.path) for name in names}
    return st.one_of(operation.as_strategy(generation_mode=mode, path_parameters=real), generated)


def run_operation(
    app: Flask, operation: Any, strategy: Any, headers: dict[str, str], examples: int
) -> list[str]:
    failures: list[str] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        limiter.reset()  # rate limits would hide what the operation does
        with app.test_request_context(), undone():
            try:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label}: {type(error).__name__}: {error}")

    with contextlib.suppress(Unsatisfiable):  # nothing of this operation can be made invalid
        check()
    return failures


@pytest.mark.parametrize(("who", "mode", "examples"), RUNS, ids=lambda v: str(v))
def test_the_api_keeps_its_documented_promises(
    app: Flask, who: str, mode: GenerationMode, examples: int
) -> None:
    with app.test_request_context():
        world = build_world()
        person = world.person(who)
        secret = create_token(person, name="schemathesis")[1] if person else None
        db.session.commit()
        ids = real_ids(world)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        strategy = cases(operation, mode, ids)
        failures += run_operation(app, operation, strategy, headers, examples)
    assert len(operations) >= 20
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:10])
