"""Security headers and cookie flags."""

from __future__ import annotations

from .conftest import make_app, post_form


def test_security_headers_on_every_page(client):
    for url in ("/", "/s/all-types", "/sign-in", "/no-such-page"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"].split(";")
        directives = dict(part.strip().split(" ", 1) for part in policy)
        assert directives["script-src"] == "'self'"  # no inline script
        assert directives["frame-ancestors"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_hsts_when_served_over_https(client):
    reply = client.get("/", base_url="https://sefvoice.example")
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_inline_script_in_pages(client):
    for url in ("/", "/s/all-types", "/sign-in", "/resume"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " on" + "click=" not in page


def test_session_cookie_flags(client):
    reply = post_form(client, "/s/all-types", {"filled_by": "me"})
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_in_production(database_url, monkeypatch):
    monkeypatch.setenv("SEFVOICE_SECURE_COOKIES", "1")
    app = make_app(database_url)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
