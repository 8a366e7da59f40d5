"""One person in a browser: navigation that checks every page with axe-core, signing in,
and keyboard-only driving (Tab to an element, then type, Space or Enter)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Response, expect

from tests.e2e.server import DEMO_PASSWORD, DemoAcademy

#: axe-core impacts that fail a journey.
BLOCKING = ["serious", "critical"]
MAX_TABS = 250

#: Runs axe-core's rules whose impact can be serious or critical (all of them if axe no
#: longer says which), and returns the violations found (null without axe-core).
_AXE_RUN = """async blocking => {
  if (typeof axe === 'undefined') return null;
  const milder = (axe._audit?.rules ?? []).filter(r => r.impact && !blocking.includes(r.impact));
  const rules = Object.fromEntries(milder.map(r => [r.id, {enabled: false}]));
  const result = await axe.run(document, {resultTypes: ['violations'], rules});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""
#: Whether nothing has the focus yet and the selector's element is in <main>.
_FROM_TOP_TO_MAIN = """selector => {
  const active = document.activeElement;
  const target = document.querySelector(selector);
  return (!active || active === document.body) && !!target?.closest('main');
}"""
#: null while the focused element does not match; then whether its focus is visible.
_FOCUS_ON = """selector => {
  const element = document.activeElement;
  if (!element || !element.matches(selector)) return null;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outlined || style.boxShadow !== 'none';
}"""


class AccessibilityError(AssertionError):
    """axe-core found serious or critical problems on a page."""


class Visitor:
    """A page in its own browser context; every document it loads is checked by axe-core."""

    def __init__(
        self,
        context: BrowserContext,
        academy: DemoAcademy,
        name: str,
        *,
        keyboard: bool = False,
    ) -> None:
        self.context = context
        #: Drive forms and links with the keyboard only (Tab, type, Space, Enter, arrows).
        self.keyboard = keyboard
        self.academy = academy
        self.name = name
        self.page: Page = context.new_page()
        #: Documents loaded and not yet checked by axe-core.
        self.loaded: list[str] = []
        self.page.on("load", lambda page: self.loaded.append(page.url))
        #: Console errors about the Content-Security-Policy since the last check.
        self.refused: list[str] = []
        self.page.on("console", self._console)
        # Playwright intercepts file choosers once something listens for them, which it
        # sets up asynchronously: listen from the start, so a keypress never beats it.
        self.page.on("filechooser", lambda _chooser: None)

    # Accessibility

    def check(self) -> None:
        """Run axe-core on the current document; fail on serious or critical violations,
        and on anything the page's Content-Security-Policy refused."""
        violations: list[dict[str, Any]] | None = self.page.evaluate(_AXE_RUN, BLOCKING)
        assert violations is not None, f"axe-core is not loaded in {self.page.url}"
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        self.loaded.clear()
        if blocking:
            details = json.dumps(blocking, indent=2, ensure_ascii=False)
            raise AccessibilityError(f"axe-core on {self.page.url}:\n{details}")
        refused, self.refused = self.refused, []
        assert not refused, f"the Content-Security-Policy refused: {refused}"

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.refused.append(f"{self.page.url}: {message.text}")

    def unchecked_pages(self) -> list[str]:
        """Documents loaded since the last check (should be none when a journey ends)."""
        return list(self.loaded)

    @contextmanager
    def navigation(self) -> Iterator[None]:
        """Wrap an action that loads a new document; the new page is then checked."""
        with self.page.expect_navigation() as navigated:
            yield
        self._answered(navigated.value)
        self.check()

    def _answered(self, response: Response | None) -> None:
        """A server error fails the journey at once, naming the page."""
        if response is not None and response.status >= 500:
            raise AssertionError(f"{response.status} from {response.url} (see server.log)")

    @property
    def path(self) -> str:
        """The current page's path (without the #main the skip link may have added)."""
        return urlsplit(self.page.url).path

    # Navigation with the mouse or the address bar

    def goto(self, path_or_url: str) -> None:
        url = path_or_url if "://" in path_or_url else self.academy.url + path_or_url
        self._answered(self.page.goto(url))
        self.check()

    def click(self, target: Locator) -> None:
        """Click something that loads a page."""
        with self.navigation():
            target.click()

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        """Sign in from the header's link, with the mouse or the keyboard."""
        if "/account/login" not in self.page.url:
            if self.page.url == "about:blank":
                self.goto("/")
            self.follow("header a[href$='/account/login']")
        self.fill("#email", email)
        self.fill("#password", password)
        self.follow("main form button[type=submit]")
        expect(self.page.locator("header form[action$='/account/logout']")).to_have_count(1)

    def switch_language(self, code: str) -> None:
        """Choose a language with the switcher in the page header."""
        self.select("#language-select", code)
        self.follow(".language-switcher button")
        expect(self.page.locator("html")).to_have_attribute("lang", code)

    # Either way: the mouse (and Playwright's fill), or the keyboard only

    def locate(self, selector: str) -> Locator:
        return self.page.locator(selector).first

    def follow(self, selector: str) -> None:
        """Activate a link or a submit button that loads a page."""
        if self.keyboard:
            self.tab_and_press(selector)
        else:
            self.click(self.locate(selector))

    def open_file(self, selector: str) -> bytes:
        """Activate a link to a file (a PDF, which Chromium shows itself) and come back;
        the file's content."""
        url = urljoin(self.page.url, self.locate(selector).get_attribute("href") or "")
        url = urlsplit(url)._replace(fragment="").geturl()
        with self.page.expect_response(lambda r: r.url == url) as answered:
            if self.keyboard:
                self.tab_to(selector)
                self.page.keyboard.press("Enter")
            else:
                self.locate(selector).click()
        response = answered.value
        assert response.ok, f"{response.status} from {url}"
        kind = response.headers.get("content-type", "")
        self.page.wait_for_url(url)
        self.page.go_back()
        self.loaded = [page for page in self.loaded if page != url]
        self.check()
        # What the page shows is the browser's viewer: fetch the file itself with the
        # same cookies, as "save as" would.
        saved = self.context.request.get(url)
        assert saved.ok and saved.headers.get("content-type") == kind
        return saved.body()

    def fill(self, selector: str, value: str) -> None:
        if self.keyboard:
            self.tab_and_type(selector, value)
        else:
            self.page.locator(selector).fill(value)

    def select(self, selector: str, value: str) -> None:
        if self.keyboard:
            self.choose_option(selector, value)
        else:
            self.page.locator(selector).select_option(value)

    def radio(self, name: str, value: str) -> None:
        if self.keyboard:
            self.choose_radio(name, value)
        else:
            self.page.locator(f"input[type=radio][name='{name}'][value='{value}']").check()

    def checkboxes(self, name: str, values: set[str]) -> None:
        if self.keyboard:
            self.tick_checkboxes(name, values)
        else:
            for value in values:
                self.page.locator(f"input[type=checkbox][name='{name}'][value='{value}']").check()

    def attach(self, selector: str, file: Path) -> None:
        """Choose a file: with the keyboard, Space on the file input opens the chooser."""
        if self.keyboard:
            self.tab_to(selector)
            with self.page.expect_file_chooser() as chooser:
                self.page.keyboard.press("Space")
            chooser.value.set_files(str(file))
        else:
            self.page.locator(selector).set_input_files(str(file))

    # Keyboard only

    def focused(self, selector: str) -> bool:
        return self.page.evaluate(_FOCUS_ON, selector) is not None

    def tab_to(self, selector: str) -> None:
        """Press Tab until the focused element matches ``selector``, and check that
        the focus can be seen there (an outline or a shadow, WCAG 2.4.7).  From the top
        of a page, a target in the main content is reached through the skip link."""
        if self.page.evaluate(_FROM_TOP_TO_MAIN, selector):
            self.page.keyboard.press("Tab")
            assert self.focused(".skip-link"), f"no skip link first on {self.page.url}"
            self.page.keyboard.press("Enter")
            assert self.focused("main"), f"the skip link does not lead to <main> on {self.page.url}"
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            visible = self.page.evaluate(_FOCUS_ON, selector)
            if visible is not None:
                assert visible, f"no visible focus on {selector} at {self.page.url}"
                return
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def tab_and_type(self, selector: str, value: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(value)

    def tab_and_press(self, selector: str) -> None:
        """Tab to a link or button and press Enter; the page it loads is checked."""
        self.tab_to(selector)
        with self.navigation():
            self.page.keyboard.press("Enter")

    def choose_option(self, selector: str, value: str) -> None:
        """Tab to a <select>, then Home and the down arrow until ``value`` is chosen."""
        self.tab_to(selector)
        chosen = self.page.locator(selector)
        if chosen.input_value() != value:
            self.page.keyboard.press("Home")
        for _ in range(chosen.locator("option").count()):
            if chosen.input_value() == value:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {value!r} in {selector}")

    def choose_radio(self, name: str, value: str) -> None:
        """Tab into a radio group, then arrow to the wanted choice (arrows select)."""
        self.tab_to(f"input[type=radio][name='{name}']")
        wanted = f"input[type=radio][name='{name}'][value='{value}']"
        for _ in range(20):
            if self.focused(wanted):
                self.page.keyboard.press("Space")
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no radio {value!r} in group {name!r}")

    def tick_checkboxes(self, name: str, values: set[str]) -> None:
        """Tab through a group of checkboxes, pressing Space on the wanted ones."""
        remaining = set(values)
        boxes = self.page.locator(f"input[type=checkbox][name='{name}']").count()
        for _ in range(boxes):
            if not remaining:
                return
            self.tab_to(f"input[type=checkbox][name='{name}']")
            value = self.page.evaluate("() => document.activeElement.value")
            if value in remaining:
                self.page.keyboard.press("Space")
                remaining.discard(value)
        assert not remaining, f"no checkboxes {sorted(remaining)} in group {name!r}"
