"""Browser journeys: one served academy and one Chromium per session, a fresh context per person.

Needs Debian's chromium (``apt-get install chromium``; never ``playwright install``) and
axe-core (``make axe-core``).  Without them the journeys skip and say why, unless
``ACADEMY_E2E_REQUIRED`` is set (CI sets it), in which case they fail.  They run in the
SQLite round only: with ``TEST_DATABASE_URL`` set they skip, since they never use that
database anyway.  A failing journey leaves a screenshot and the HTML of each of its pages,
and the server's log, under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.server import ROOT, DemoAcademy, prepare

if TYPE_CHECKING:
    from tests.e2e.visitor import Visitor

CHROMIUM = Path(os.environ.get("ACADEMY_E2E_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(
    os.environ.get(
        "ACADEMY_E2E_AXE", str(ROOT / ".npm" / "node_modules" / "axe-core" / "axe.min.js")
    )
)
ARTIFACTS = ROOT / "test-artifacts"
VISITORS = pytest.StashKey[list]()
SERVED = pytest.StashKey[DemoAcademy]()


def _missing() -> str | None:
    """What the journeys need and this machine lacks, if anything."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"no axe-core at {AXE} (make axe-core, which needs npm)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(autouse=True)
def _transaction() -> None:
    """The journeys use their own served academy, not the suite's shared database."""


@pytest.fixture(scope="session")
def e2e_ready() -> None:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("browser journeys run in the SQLite round only (they use their own SQLite)")
    missing = _missing()
    if missing and os.environ.get("ACADEMY_E2E_REQUIRED"):
        pytest.fail(f"browser journeys required but cannot run: {missing}")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="session")
def academy(e2e_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoAcademy]:
    served = prepare(tmp_path_factory.mktemp("e2e"))
    served.start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="session")
def browser(academy: DemoAcademy) -> Iterator[object]:
    """Chromium, closed before the academy stops (it may hold idle connections open)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a loaded CI machine can be slow
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


Open = Callable[..., "Visitor"]  # open_browser(name, *, keyboard=False, locale="en-GB")


@pytest.fixture
def open_browser(
    request: pytest.FixtureRequest, browser: object, academy: DemoAcademy
) -> Iterator[Open]:
    """``open_browser(name)``: a person's fresh browser context and page."""
    from tests.e2e.visitor import Visitor

    visitors: list[Visitor] = []
    request.node.stash[VISITORS] = visitors
    request.node.stash[SERVED] = academy

    def open_one(name: str, *, keyboard: bool = False, locale: str = "en-GB") -> Visitor:
        context = browser.new_context(  # type: ignore[attr-defined]
            locale=locale, accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        # axe-core in every document the context loads, before the page's own scripts:
        # a fraction of the cost of page.add_script_tag on each page, and the app's
        # Content-Security-Policy stays in force (an init script is not subject to it).
        context.add_init_script(path=str(AXE))
        visitor = Visitor(context, academy, name, keyboard=keyboard)
        visitors.append(visitor)
        return visitor

    yield open_one
    unchecked = {v.name: v.unchecked_pages() for v in visitors if v.unchecked_pages()}
    for visitor in visitors:
        visitor.context.close()
    if unchecked and not getattr(request.node, "e2e_failed", False):
        pytest.fail(f"pages loaded but never checked with axe-core: {unchecked}")


def _save_artefacts(item: pytest.Item) -> None:
    visitors = item.stash.get(VISITORS, [])
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    shutil.rmtree(folder, ignore_errors=True)  # what an earlier run left
    folder.mkdir(parents=True)
    for visitor in visitors:
        page = visitor.page
        if page.is_closed():
            continue
        try:
            page.screenshot(path=str(folder / f"{visitor.name}.png"), full_page=True)
            (folder / f"{visitor.name}.html").write_text(page.content(), encoding="utf-8")
            (folder / f"{visitor.name}.url").write_text(page.url + "\n", encoding="utf-8")
        except Exception as exc:  # the report must still be written
            (folder / f"{visitor.name}.error").write_text(repr(exc), encoding="utf-8")
    academy = item.stash.get(SERVED, None)
    if academy is not None and academy.log_path.exists():
        shutil.copyfile(academy.log_path, folder / "server.log")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if report.when == "call" and report.failed and item.stash.get(VISITORS, None) is not None:
        item.e2e_failed = True  # type: ignore[attr-defined]
        _save_artefacts(item)
    return report
