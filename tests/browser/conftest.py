"""A real browser for the public pages: Debian's Chromium driven by Playwright, against pytest-django's live server.

Outside CI the tests skip when Chromium or Playwright is missing; with REQUIRE_SERVICES=1 (CI) they fail.
Screenshots of every page type are written to ``tests/browser/screenshots/`` (or $SCREENSHOT_DIR) for review.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every Content-Security-Policy violation of a page is reported back to the test as a problem: the policy is on
# in the browser tests, and a page that needs an inline script or style fails them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => window.careerhubCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
));
"""
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).parent / "screenshots")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -r requirements-dev.txt)")
    # Playwright's sync API runs an event loop in this thread; Django refuses database calls from one
    # unless told that the calls come from synchronous test code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A browser tab that records console errors, page errors and dialogs (none may happen)."""

    def __init__(self, browser, base_url: str, width: int, height: int = 900, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
        self.context.expose_function("careerhubCspViolation", lambda text: self.problems.append(f"csp: {text}"))
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.base_url, self.width = base_url, width
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def open(self, path: str, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == status, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
        return self.page

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, live_server):
    pages = []

    def open_tab(width: int = 1440, javascript: bool = True) -> Page:
        page = Page(browser, live_server.url, width, javascript=javascript)
        pages.append(page)
        return page

    yield open_tab
    for page in pages:
        page.close()
