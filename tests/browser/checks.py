"""What the browser tests check on a page: axe-core's WCAG rules, the Nu HTML Checker,
reflow, page weight, and by keyboard, visible focus and no trap. A failing check names the
rule, element and page."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from textwrap import indent
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import CDPSession, ElementHandle, Locator, Page, Request

# axe-core's rule sets for WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 adds AA rules only).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
# What one page may cost, with everything it loads, over a slow rural connection.
PAGE_WEIGHT_LIMIT = 60_000
# Where the page must reflow: WCAG 1.4.10, a screen 320 CSS px wide; WCAG 1.4.4, the
# browser's text size at 200% (Chromium's own font-size setting, not CSS put into the page).
DEFAULT_SCREEN = ({"width": 1280, "height": 720}, 1)
SCREENS = {
    "320px wide": ({"width": 320, "height": 640}, 1),
    "text at 200%": ({"width": 1280, "height": 720}, 2),
}
DEFAULT_FONT_SIZES = {"standard": 16, "fixed": 13}

_devtools: WeakKeyDictionary[Page, CDPSession] = WeakKeyDictionary()
_requests: WeakKeyDictionary[Page, list[Request]] = WeakKeyDictionary()


def watch(page: Page) -> None:
    """Ready a new page for the checks: its HTTP cache off, so that each page's weight counts
    everything it loads, and a log of its requests in the order they start."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    _devtools[page] = devtools
    _requests[page] = requests = []
    page.on("request", lambda request: requests.append(request))


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG A and AA violations: each rule, element and why. axe-core must be
    in the page already (conftest.new_page loads it into every page)."""
    violations = page.evaluate(
        "(options) => axe.run(options).then((r) => r.violations)", AXE_OPTIONS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    element: {' '.join(node['target'])}  {node['html'][:200]}\n"
        + indent(node["failureSummary"], "    ")
        for violation in violations
        for node in violation["nodes"]
    ]


# The page's width and text size, then the elements that stick out of the window or whose
# own words do not fit in them. Skipped: the skip link (off-screen until focused), visually
# hidden text, and the insides of data tables, which WCAG 1.4.10 lets scroll sideways in
# their own box (the box itself must fit).
REFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px`
      + ` wide in a ${width}px window`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip-link, .visually-hidden')) continue;
    if (el.parentElement.closest('.table-wrapper')) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
    if (box.left < -1 || box.right > width + 1) {
      problems.push(`${name(el)} runs off the page: ${Math.round(box.left)}px`
        + ` to ${Math.round(box.right)}px of ${width}px`);
    }
    const words = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    if (words && !scrolls && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)}: its words do not fit (${el.scrollWidth}px in`
        + ` ${el.clientWidth}px): ${el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60)}`);
    }
  }
  return [width, getComputedStyle(document.documentElement).fontSize, problems];
}"""


def _show_on(page: Page, screen: tuple[dict, int]) -> str:
    """Resize the page and set the browser's text size; the font size the page now has."""
    viewport, zoom = screen
    page.set_viewport_size(viewport)
    sizes = {kind: size * zoom for kind, size in DEFAULT_FONT_SIZES.items()}
    _devtools[page].send("Page.setFontSizes", {"fontSizes": sizes})
    return f"{sizes['standard']}px"


def reflow_problems(page: Page) -> list[str]:
    """What sticks out or needs sideways scrolling on each of SCREENS."""
    problems = []
    for name, screen in SCREENS.items():
        text_size = _show_on(page, screen)
        width, found_size, found = page.evaluate(REFLOW_SCRIPT)
        # Had the screen or text size not been applied, a pass would prove nothing.
        applied = width <= screen[0]["width"] and found_size == text_size
        assert applied, f"{name} was not applied: {width}px wide, text {found_size}"
        problems += [f"{name}: {problem}" for problem in found]
    _show_on(page, DEFAULT_SCREEN)
    return problems


def page_weight(page: Page) -> tuple[int, list[str]]:
    """Bytes sent and received over the wire for the page as it last loaded (its document
    and every request started after it: headers and encoded bodies), and each request."""
    requests = _requests[page]
    start = max(i for i, r in enumerate(requests) if r.resource_type == "document")
    total, lines = 0, []
    for request in requests[start:]:
        sizes = request.sizes()
        size = sum(
            sizes[key]
            for key in (
                "requestHeadersSize",
                "requestBodySize",
                "responseHeadersSize",
                "responseBodySize",
            )
        )
        total += size
        lines.append(f"{size:>7,} {request.url}")
    return total, lines


def weight_problems(page: Page) -> list[str]:
    total, lines = page_weight(page)
    if total <= PAGE_WEIGHT_LIMIT:
        return []
    return [f"the page weighs {total:,} bytes (at most {PAGE_WEIGHT_LIMIT:,}):", *lines]


class NuChecker:
    """The Nu HTML Checker (vnu.jar, from npm's vnu-jar) as a local web service: started
    once, since Java takes seconds to start, then asked about each page in turn."""

    def __init__(self, jar: Path):
        with socket.socket() as probe:  # a free port (vnu cannot be given port 0)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/?out=json"
        self.process = subprocess.Popen(
            [
                "java",
                "-Xss1m",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + NU_START_SECONDS
        while not self._answers("<!doctype html><title>x</title>"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"the Nu HTML Checker did not start ({jar})")
            time.sleep(0.5)

    def _answers(self, html: str) -> bool:
        try:
            self.errors(html)
        except OSError:
            return False
        return True

    def errors(self, html: str) -> list[str]:
        """The checker's errors for the page's HTML: each message, line and markup."""
        request = urllib.request.Request(
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            messages = json.load(reply)["messages"]
        return [
            f"Nu HTML Checker: {m['message']} (line {m.get('lastLine', '?')}):"
            f" {m.get('extract', '').strip()[:200]}"
            for m in messages
            if m["type"] in ("error", "non-document-error")
        ]

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


NU_START_SECONDS = 120  # Java reads its schemas first; slow on a busy machine
# Set by the browser tests' session (conftest.nu_checker): None without Java.
nu_checker: NuChecker | None = None


def nu_problems(page: Page) -> list[str]:
    """The Nu HTML Checker's errors in the page as it stands (with what its script added)."""
    return nu_checker.errors(page.content()) if nu_checker else []


def assert_page_passes(page: Page, weigh: bool = True) -> None:
    """Zero axe-core WCAG 2.2 A/AA violations; zero Nu HTML Checker errors; reflows at
    320px and at 200% text; and, if `weigh`, at most PAGE_WEIGHT_LIMIT bytes (pages for
    respondents)."""
    problems = axe_violations(page) + nu_problems(page) + reflow_problems(page)
    problems += weight_problems(page) if weigh else []
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


# The focused element gets a number, the same each time it has focus (0: nothing on the
# page has focus, as when Tab has gone on to the browser's own controls). It is compared
# focused and unfocused, with its labels (which show the focus of the picture answers):
# some outline, shadow, colour or border must change. A transparent outline is there for
# Windows high-contrast mode only, so it counts as none. And it must be on the screen.
FOCUS_SCRIPT = """(target) => {
  const el = document.activeElement;
  if (!el || el === document.body) return [0, null, false];
  if (!el.tabStop) { window.tabStops = (window.tabStops || 0) + 1; el.tabStop = window.tabStops; }
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow',
    'background-color', 'color', 'border-top-color', 'border-top-width', 'text-decoration-line'];
  const styles = () => [el, ...(el.labels || [])].map((part) => {
    const style = getComputedStyle(part);
    const values = props.map((p) => style.getPropertyValue(p));
    if (style.outlineColor === 'rgba(0, 0, 0, 0)' || style.outlineStyle === 'none') {
      values[0] = values[1] = values[2] = 'none';
    }
    return values.join('|');
  }).join(';');
  const focused = styles();
  el.blur();
  const unfocused = styles();
  el.focus();
  const box = el.getBoundingClientRect();
  const html = el.outerHTML.slice(0, 200);
  const reached = el === target;
  if (focused === unfocused) return [el.tabStop, `focus is not visible on ${html}`, reached];
  if (box.bottom <= 0 || box.right <= 0 || box.top >= innerHeight || box.left >= innerWidth) {
    return [el.tabStop, `the focused element is off the screen: ${html}`, reached];
  }
  return [el.tabStop, null, reached];
}"""


def focus_state(page: Page, target: ElementHandle | None = None) -> tuple[int, str | None, bool]:
    """The focused element's number, why its focus cannot be seen (None if it can), and
    whether it is the target."""
    stop, problem, reached = page.evaluate(FOCUS_SCRIPT, target)
    return stop, problem, reached


# More Tab presses than any page has stops: reaching it means focus is trapped or lost.
MAX_STOPS = 60


def press_tab(page: Page, target: ElementHandle | None = None) -> tuple[int, bool]:
    """Press Tab and check the focus can be seen: the focused element's number, and whether
    it is the target."""
    page.keyboard.press("Tab")
    stop, problem, reached = focus_state(page, target)
    assert problem is None, f"{page.url}: {problem}"
    return stop, reached


def go_round(page: Page) -> None:
    """Tab through every stop on the page until focus comes back to the first one."""
    first, _ = press_tab(page)
    previous = first
    for _ in range(MAX_STOPS):
        stop, _ = press_tab(page)
        if stop == first:
            return
        assert stop != previous, f"{page.url}: Tab does not move focus on: a keyboard trap"
        previous = stop
    pytest.fail(f"{page.url}: after {MAX_STOPS} Tabs focus has not come round: a keyboard trap")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the target has focus (if it has not already)."""
    element = target.element_handle()
    if element.evaluate("el => el === document.activeElement"):
        return
    for _ in range(MAX_STOPS):
        if press_tab(page, element)[1]:
            return
    pytest.fail(f"{page.url}: Tab never reaches {target}")
