"""The checks catch what they are for: a page with known faults (tests/fixtures/broken-page/),
served with the real layout, fails each of them."""

from __future__ import annotations

import pytest

from ..conftest import STATIC
from . import checks
from .checks import assert_page_passes, go_round, tab_to
from .conftest import BROKEN_PAGE, nu_checker_missing, skip_or_fail

pytestmark = pytest.mark.browser


def test_page_checks_name_each_fault(page):
    page.goto(BROKEN_PAGE)
    with pytest.raises(AssertionError) as failed:
        assert_page_passes(page)
    report = str(failed.value)
    assert "image-alt (critical)" in report and 'img src="/static/pictures/yes.svg?v=' in report
    assert "label (critical)" in report and 'name="unlabelled"' in report
    assert "color-contrast (serious)" in report and ".broken-faint" in report
    assert "320px wide: div.broken-wide runs off the page" in report
    if checks.nu_checker:  # test_nu_html_checker_runs says why if not
        assert "Nu HTML Checker: An “img” element must have an “alt” attribute" in report
        assert "Nu HTML Checker: The “aria-label” attribute must not be specified" in report


def test_nu_html_checker_runs(nu_checker):
    """Skipped on a machine without Java or vnu.jar, failed in CI."""
    missing = nu_checker_missing()
    if missing:
        skip_or_fail(missing)
    assert nu_checker.errors("<!doctype html><html lang=en><title>x</title><p>ok") == []
    assert nu_checker.errors("<!doctype html><html lang=en><title>x</title><p><div>") != []


def test_invisible_focus_is_caught(page):
    page.goto(BROKEN_PAGE)
    with pytest.raises(AssertionError, match='focus is not visible on <a class="broken-focus"'):
        tab_to(page, page.locator(".broken-focus"))


def test_keyboard_trap_is_caught(page):
    page.goto(BROKEN_PAGE)
    # A script that keeps focus in the box: Tab does nothing there.
    page.locator("input[name=unlabelled]").evaluate(
        "box => box.addEventListener('keydown', (e) => e.key === 'Tab' && e.preventDefault())"
    )
    with pytest.raises(AssertionError, match="a keyboard trap"):
        go_round(page)


def test_page_weight_counts_everything_the_page_loads(page, monkeypatch):
    page.goto(BROKEN_PAGE)
    total, lines = checks.page_weight(page)
    loaded = {"css/sefvoice.css", "js/sefvoice.js", "pictures/yes.svg"}
    assert lines[0].endswith(page.url)  # the document first, then what it loads
    assert {line.split("/static/")[-1].split("?")[0] for line in lines[1:]} == loaded
    files = sum((STATIC / name).stat().st_size for name in loaded)
    assert total > files + len(page.content())  # the bodies, and headers on top
    monkeypatch.setattr(checks, "PAGE_WEIGHT_LIMIT", total - 1)
    assert (
        checks.weight_problems(page)[0]
        == f"the page weighs {total:,} bytes (at most {total - 1:,}):"
    )
