"""Where `next` may send a browser: a path and query on this site, nothing else. Both users of
`next` (sign-in and the display switch) go through one function, tested directly and through
both routes, with hand-made tricks and with random hostile values."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sefvoice.auth import service as auth_service
from sefvoice.security import same_site_path

from .conftest import PASSWORD, csrf_token

HOST = "sefvoice.example"

TRICKS = [
    "//evil.example/",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "https:evil.example",
    "//evil.example@sefvoice.example/",
    "///evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "\u3000//evil.example",
    "/\uff0f/evil.example",  # a fullwidth solidus
    "/\u2215/evil.example",  # a division slash
    "//\uff0f",  # a host that urllib refuses (NFKC makes it a slash): found by hypothesis
    "%2F%2Fevil.example",
    "/%09/evil.example",
    "evil.example",
    "",
]


def browser_destination(location: str) -> str:
    """Where a browser goes for a Location header, the way the WHATWG URL parser reads one:
    tabs and newlines dropped, leading spaces and controls trimmed, backslash as slash."""
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r")
    cleaned = cleaned.lstrip("".join(chr(c) for c in range(0x21))).replace("\\", "/")
    return urlsplit(urljoin(f"https://{HOST}/feedback/", cleaned)).netloc


@pytest.mark.parametrize("target", TRICKS)
def test_tricks_never_leave_the_site(target):
    path = same_site_path(target)
    assert path is None or browser_destination(path) == HOST, (target, path)


@pytest.mark.parametrize("target", ["/\r\n/x", "/x\r\nSet-Cookie: a=b", "/x\n"])
def test_line_breaks_are_refused(target):
    assert same_site_path(target) is None


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/feedback/?term=Summer+2023", "/feedback/?term=Summer+2023"),
        ("/indicators/#measure-x", "/indicators/"),  # path and query only
        ("/s/café", "/s/caf%C3%A9"),
        ("/resume?", "/resume"),
        ("/a b", "/a%20b"),
    ],
)
def test_same_site_paths_are_kept_and_rebuilt(target, path):
    assert same_site_path(target) == path


@pytest.fixture
def officer(app):
    with app.app_context():
        return auth_service.create_user("next@example.org", PASSWORD, "officer").email


def sign_in_location(client, email: str, target: str) -> str:
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    reply = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"csrf_token": csrf_token(client, "/sign-in"), "email": email, "password": PASSWORD},
    )
    assert reply.status_code == 302, (target, reply.status_code)
    return reply.headers["Location"]


def display_location(client, target: str) -> str:
    reply = client.post(
        "/display", data={"csrf_token": csrf_token(client, "/resume"), "next": target}
    )
    assert reply.status_code == 302, (target, reply.status_code)
    return reply.headers["Location"]


@pytest.mark.parametrize("target", TRICKS)
def test_both_routes_stay_on_the_site(app, client, officer, target):
    app.config["SIGN_IN_LIMIT"] = "100000 per minute"
    assert browser_destination(sign_in_location(client, officer, target)) == HOST
    assert browser_destination(display_location(client, target)) == HOST


PIECES = st.sampled_from(
    ["/", "//", "\\", "\t", "\n", "\r", " ", ":", "@", "%", "%2f", "%5c", "%09", "?", "#", ".",
     "..", "evil.example", "http", "https:", "javascript:", "\x00", "\u3000", "\uff0f", "\u2215",
     "\u2044", "\ufe68", "\u200b", "é"]
)  # fmt: skip
HOSTILE_NEXT = st.one_of(
    st.lists(PIECES, max_size=8).map("".join),
    st.text(max_size=40),
    st.builds("{}{}".format, st.lists(PIECES, max_size=4).map("".join), st.text(max_size=10)),
)


def test_random_hostile_next_never_leaves_the_site(app, client, officer):
    app.config["SIGN_IN_LIMIT"] = "100000 per minute"

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(target=HOSTILE_NEXT)
    def check(target):
        path = same_site_path(target)
        assert path is None or browser_destination(path) == HOST
        assert browser_destination(display_location(client, target)) == HOST
        assert browser_destination(sign_in_location(client, officer, target)) == HOST

    check()
