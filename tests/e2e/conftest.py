"""Browser tests: the whole local stack in a subprocess, driven in Debian's Chromium by Playwright."""

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Request,
    expect,
    sync_playwright,
)

from tests.stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
# How long an action (a click: set_default_timeout) or an assertion (expect) waits for what it needs,
# at most: each returns as soon as the page is ready, and `make test` runs the API and the browser
# tests side by side on two cores, where a page can take seconds to be.
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def portal_url(stack: LocalStack) -> str:
    """The base URL of the local stack (`python -m infra.local`, started once per session)."""
    return stack.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """The browser window; a test overrides it with @pytest.mark.parametrize("viewport", [...])."""
    return DESKTOP


@pytest.fixture
def context(browser: Browser, viewport: dict[str, int]) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=viewport, locale="ru-RU", timezone_id="Europe/Moscow")
    opened.set_default_timeout(WAIT_MS)
    yield opened
    opened.close()


# Chromium logs every 4xx answer as a console error, also the API's refusals of bad input that the
# page shows next to the fields; those are recorded apart, and a test names the ones it provokes.
_REFUSAL = re.compile(r"^Failed to load resource: the server responded with a status of (4\d\d)\b")


@dataclass
class PageLog:
    """What a page did that a test must not accept: console errors, script errors, foreign requests."""

    console_errors: list[str] = field(default_factory=list)
    api_refusals: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = str(message.location.get("url", ""))
        refusal = _REFUSAL.match(message.text)
        path = urlsplit(url).path
        if refusal and urlsplit(url).hostname == LOCAL_HOST and path.startswith("/api/"):
            self.api_refusals.append(f"{refusal.group(1)} {path}")
        else:
            self.console_errors.append(f"{message.text} ({url})")

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)
        if urlsplit(request.url).hostname != LOCAL_HOST:
            self.foreign_requests.append(request.url)

    @staticmethod
    def assert_within_budget(page: Page, budget: int = 60_000) -> int:
        """All JS and CSS the current document has loaded, uncompressed, fits the budget
        (docs/architecture.md §10); returns the total in bytes."""
        loaded = page.evaluate(
            """() => performance.getEntriesByType('resource')
                .filter((entry) => /\\.(js|css)$/.test(new URL(entry.name).pathname))
                .map((entry) => [new URL(entry.name).pathname, entry.decodedBodySize])"""
        )
        assert loaded, "no script or style was loaded"
        total: int = sum(size for _, size in loaded)
        assert total <= budget, f"{total} bytes of JS and CSS: {sorted(loaded, key=lambda x: -x[1])}"
        return total

    def assert_clean(self, expected_refusals: list[str]) -> None:
        """No console or script errors, no request off 127.0.0.1, and exactly the API refusals
        (e.g. "422 /api/auth/register") that the test provoked."""
        assert self.console_errors == [], "console errors"
        assert self.page_errors == [], "uncaught script errors"
        assert self.foreign_requests == [], f"requests to hosts other than {LOCAL_HOST}"
        assert self.requests, "the page made no requests at all"
        assert self.api_refusals == expected_refusals, "API refusals other than the provoked ones"


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _wait_for_the_app_after_loading(page: Page) -> None:
    """`goto` and `reload` return once the document has loaded; the site's module scripts may bind
    its controls a moment later (seen on a loaded machine: a click on «Регистрация» or «Войти» before
    then did nothing, or posted the form natively). Both wait, after loading, for the app to say it is
    ready (app.js: <html data-app="ready">) and its page to have drawn (router.js: <html data-ready>,
    set once a view has rendered, never a fixed wait) — a page of the site only: not another origin, nor the
    API's own pages (Swagger UI at /api/docs) or the local stack's."""
    for name in ("goto", "reload"):
        loaded = getattr(page, name)

        def then_ready(*args: Any, _loaded: Any = loaded, **kwargs: Any) -> Any:
            answer = _loaded(*args, **kwargs)
            address = urlsplit(page.url)
            if address.hostname == LOCAL_HOST and not address.path.startswith(("/api/", "/_local/")):
                page.wait_for_selector("html[data-app=ready][data-ready]", state="attached")
            return answer

        setattr(page, name, then_ready)


@pytest.fixture
def page(context: BrowserContext, page_log: PageLog) -> Page:
    opened = context.new_page()
    _wait_for_the_app_after_loading(opened)
    opened.on("console", page_log.on_console)
    opened.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    opened.on("request", page_log.on_request)
    return opened


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# The running local stack as a browser test sees it: its URL, its mail outbox, registration.
Portal = LocalStack


@pytest.fixture(scope="session")
def portal(stack: LocalStack) -> Portal:
    return stack


def shot(page: Page, artifacts: Path, name: str) -> None:
    """A full-page screenshot into test-artifacts/e2e/<name>.png."""
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


PHONE_MENU_MAX_WIDTH = 760  # web/css/site.css: @media (max-width: 760px) shows .nav-toggle


def open_menu(page: Page) -> Locator:
    """The main menu, opened: on a phone its sections are behind the «Меню» button (aria-expanded)."""
    menu = page.get_by_role("navigation", name="Главное меню")
    toggle = menu.get_by_role("button", name=re.compile("^Меню"))
    # The view has rendered (router.js marks it): the menu is the signed-in one, not the guest's.
    expect(page.locator("html[data-ready]")).to_be_attached()
    viewport = page.viewport_size
    if viewport and viewport["width"] <= PHONE_MENU_MAX_WIDTH:  # site.css: the «Меню» button's width
        expect(toggle).to_be_visible()
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    return menu


def open_section(page: Page, name: str) -> None:
    """Goes to a section of the main menu as a user does, at any width."""
    open_menu(page).get_by_role("link", name=name, exact=True).click()


CHECKED = "✓"  # a checkbox to tick, among the values fill_request types


def fill_request(
    form: Locator,
    typed: dict[str, str],
    picked: dict[str, str],
    text: str,
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Fills a request form as a user does; the connection's wizard step by step: on each step what
    it shows (choices first: a choice shows the fields it needs), then «Далее», until «Отправить».
    on_step(title) is called as each step opens, before it is filled."""
    form.get_by_label("Текст заявки", exact=True).wait_for(state="attached")  # the form has drawn
    pending = [(label, value, True) for label, value in picked.items()]
    pending += [(label, value, False) for label, value in typed.items()]
    while True:
        step = form.locator(".wizard-step:visible > h2")
        if on_step and step.count():
            on_step(step.inner_text())
        for item in list(pending):
            label, value, pick = item
            control = form.get_by_label(label, exact=True)
            if not control.is_visible():
                continue
            if pick:
                control.select_option(label=value)
            elif value == CHECKED:
                control.check()
            else:
                control.fill(value)
            pending.remove(item)
        if form.get_by_role("button", name="Отправить").is_visible():
            break
        form.get_by_role("button", name="Далее").click()
    form.get_by_label("Текст заявки", exact=True).fill(text)
    assert not pending, f"not on the form: {pending}"


def log_in_new_consumer(page: Page, portal: Portal, *, tag: str, start: str = "") -> str:
    """Registers a new consumer through the API, logs in with the header's form on `start` (a hash
    route of the site) and returns the consumer's email."""
    email = f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.ru"
    password = portal.register(
        {
            "category": "individual",
            "full_name": "Кузнецова Мария Петровна",
            "email": email,
            "phone": "+7 912 555-44-33",
            "consent": True,
        }
    )
    page.goto(f"{portal.url}/{start}")
    form = page.locator("#login-form")
    form.get_by_label("Электронная почта", exact=True).fill(email)
    form.get_by_label("Пароль", exact=True).fill(password)
    form.get_by_role("button", name="Войти").click()
    return email
