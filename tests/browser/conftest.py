"""Browser tests: the app served by a real server on 127.0.0.1, driven by Debian's Chromium.

One server and one browser for the whole run. A test that fills a survey in gets a fresh
browser context (its own cookies), so no test sees another's survey session.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.base import AXE_FILE_PATH
from flask import render_template_string
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from sefvoice.auth import service as auth_service
from sefvoice.bulletin.service import load_demo_bulletin
from sefvoice.definitions import SurveyDefinition, survey_files
from sefvoice.demo import load_demo_data, mark_as_demo
from sefvoice.extensions import db
from sefvoice.surveys import versions as survey_versions

from ..conftest import EASYREAD, FIXTURES, PASSWORD, REPOSITORY, make_app
from . import checks
from .checks import watch

CHROMIUM = Path("/usr/bin/chromium")
# The Nu HTML Checker, from npm (`npm install` at the top of the checkout; see .ci/run).
VNU_JAR = REPOSITORY / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The shipped surveys, known before the tests run so that there can be a test per survey.
# (Between them they have every type of question; the test survey, all-types, is used for
# the error state of each type.)
SURVEY_SLUGS = [
    yaml.safe_load(path.read_text(encoding="utf-8"))["slug"] for path in survey_files(EASYREAD)
]
# Returns are entered on a survey version's own page: the parent carer survey's current one.
PARENT_CARER_ENTRY = "/paper/parent-carer-annual/{}/enter".format(
    yaml.safe_load((EASYREAD / "parent-carer-annual.yaml").read_text(encoding="utf-8"))["version"]
)
# Every page that is not part of a survey, one line each.
PUBLIC_PAGES = ["/", "/resume", "/withdraw", "/sign-in", "/no-such-page"]
STAFF_PAGES = [
    "/feedback/",
    "/feedback/comments",
    "/feedback/comments/approved",
    "/feedback/comments?status=all&text=the",
    "/indicators/",
    "/indicators/upload",
    "/admin/users",
    "/admin/users/1",
    "/account/password",
    "/responses/bursts",
    "/admin/response-record",
    "/bulletins/",
    "/bulletins/summer-2023/",
    "/bulletins/summer-2023/edit",
    "/bulletins/summer-2023/sections/outcome-3",
    "/bulletins/summer-2023/sections/story-1",
    "/bulletins/summer-2023/sections/involved-1/remove",
    "/bulletins/look",
    "/bulletins/register",
    "/bulletins/summer-2023/easy-read",
    "/surveys/manage/",
    "/surveys/manage/all-types",
    "/surveys/manage/all-types/upload",
    # The preview: the respondent's pages, with the banner and the staff menu.
    "/surveys/manage/all-types/v1/preview",
    "/surveys/manage/all-types/v1/preview/code",
    "/surveys/manage/all-types/v1/preview/q/pick-one",
    "/surveys/manage/all-types/v1/preview/q/weeks-waited",
    "/surveys/manage/all-types/v1/preview/check",
    "/surveys/manage/all-types/v1/preview/done",
    "/paper/",
    "/paper/parent-carer-annual/print",
    PARENT_CARER_ENTRY,
    "/jobs/",
    "/release/audit",
]
# Forms sent empty, to see their error state: (page, its button).
PUBLIC_FORMS = [
    ("/resume", "Carry on"),
    ("/withdraw", "Delete my answers"),
    ("/sign-in", "Sign in"),
]
STAFF_FORMS = [
    ("/indicators/upload", "Check the file"),
    ("/admin/users", "Add account"),
    ("/account/password", "Change password"),
    ("/admin/response-record", "Download the record"),
    ("/bulletins/", "Start the bulletin"),
    ("/bulletins/summer-2023/edit", "Add the section"),
    ("/surveys/manage/all-types", "Save the dates"),
    ("/surveys/manage/all-types/upload", "Check the file"),
    ("/surveys/manage/all-types/v1/preview", "Start the survey"),
    ("/surveys/manage/all-types/v1/preview/q/pick-many", "Save and continue"),
    ("/surveys/manage/all-types/v1/preview/q/weeks-waited", "Save and continue"),
    ("/paper/parent-carer-annual/print", "Make the copies"),
    ("/release/audit", "Check the release"),
    (PARENT_CARER_ENTRY, "Save this return"),
]
STAFF_EMAIL = "admin@example.org"
LIMITS = ("SIGN_IN_LIMIT", "RESUME_LIMIT", "START_LIMIT", "ANSWER_LIMIT")
# A page with known faults, served with the real layout, to prove each check can fail.
BROKEN_PAGE = "/_test/broken"


class QuietHandler(WSGIRequestHandler):
    """No line per request: a failing test's output shows its own messages."""

    def log_request(self, *args) -> None:
        pass


@dataclass(frozen=True)
class LiveServer:
    url: str
    definitions: dict[str, SurveyDefinition]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, definitions) -> Iterator[LiveServer]:
    """The app on a free port, on a new migrated SQLite database with every survey loaded,
    demo responses (so the feedback tab has numbers), the demo bulletin and an admin account."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"
    # These tests look at pages, not at rate limits, and send many forms from one address.
    roomy = {name: "1000 per minute" for name in LIMITS}
    app = make_app(url, CHECK_MIGRATED=False, **roomy)
    with app.app_context():
        upgrade()
        mark_as_demo()  # the sign-in page then says where the demo sign-ins are: checked too
        survey_versions.store_definitions(definitions)
        load_demo_data()
        load_demo_bulletin()
        auth_service.create_user(STAFF_EMAIL, PASSWORD, "admin")
        db.session.remove()

    broken = (FIXTURES / "broken-page" / "broken.html").read_text(encoding="utf-8")
    app.add_url_rule(BROKEN_PAGE, "broken_page", lambda: render_template_string(broken))

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", {d.slug: d for d in definitions})
    server.shutdown()
    thread.join()


def skip_or_fail(reason: str) -> None:
    """Skip on a machine without the tool; fail in CI, where it must be installed."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def nu_checker_missing() -> str | None:
    """Why the Nu HTML Checker cannot run here, or None."""
    if not shutil.which("java"):
        return "Java is missing: install it with `apt-get install default-jre-headless`"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR} is missing: run `npm install` at the top of the checkout"
    return None


@pytest.fixture(scope="session")
def nu_checker() -> Iterator[checks.NuChecker | None]:
    """The Nu HTML Checker for every page the browser tests check, if it can run here
    (test_nu_html_checker_runs says when it cannot)."""
    if nu_checker_missing():
        yield None
        return
    checks.nu_checker = checker = checks.NuChecker(VNU_JAR)
    yield checker
    checks.nu_checker = None
    checker.close()


@pytest.fixture(scope="session")
def browser(nu_checker) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: install it with `apt-get install chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Browser, live_server: LiveServer) -> Page:
    """A page in a fresh context (its own cookies), with axe-core in it."""
    context = browser.new_context(base_url=live_server.url)
    # axe-core as the axe-playwright-python wheel ships it, in every page before its own
    # scripts: cheaper than sending its 500 KB to the page at each check.
    context.add_init_script(path=AXE_FILE_PATH)
    page = context.new_page()
    watch(page)
    return page


@pytest.fixture
def page(browser, live_server) -> Iterator[Page]:
    page = new_page(browser, live_server)
    yield page
    page.context.close()


# One page per test module for the pages that hold no survey session (a new context costs
# more than the check): a visitor's, and a signed-in admin's (the staff pages only read).
@pytest.fixture(scope="module")
def visitor_page(browser, live_server) -> Iterator[Page]:
    page = new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def staff_page(browser, live_server) -> Iterator[Page]:
    page = new_page(browser, live_server)
    sign_in(page)
    yield page
    page.context.close()


def sign_in(page: Page) -> None:
    page.goto("/sign-in")
    page.fill("#email", STAFF_EMAIL)
    page.fill("#password", PASSWORD)
    send(page, "Sign in")


def send(page: Page, button: str) -> None:
    """Press the button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def send_with_error(page: Page, button: str) -> None:
    send(page, button)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
