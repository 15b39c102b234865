"""Security headers and cookie flags."""

from __future__ import annotations

import re
import threading
import time
import types

from sefvoice import ratelimits

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


def test_sign_in_is_rate_limited(client):
    for _ in range(10):
        reply = post_form(client, "/sign-in", {"email": "x@example.org", "password": "wrong one"})
        assert reply.status_code == 400
    reply = post_form(client, "/sign-in", {"email": "x@example.org", "password": "wrong one"})
    assert reply.status_code == 429
    assert "Too many tries" in reply.get_data(as_text=True)
    assert client.get("/sign-in").status_code == 200  # reading the page is not limited


def test_resume_codes_cannot_be_guessed_quickly(client):
    for _ in range(10):
        assert post_form(client, "/resume", {"code": "ABCD-2345"}).status_code == 400
    assert post_form(client, "/resume", {"code": "ABCD-2345"}).status_code == 429


def test_answers_are_limited_per_response_not_per_address(app, client):
    app.config["ANSWER_LIMIT"] = "3 per minute"
    classmate = app.test_client()  # same address, another respondent
    for respondent in (client, classmate):
        post_form(respondent, "/s/all-types", {"filled_by": "me"})
    for _ in range(3):
        assert post_form(client, "/s/all-types/q/pick-one", {"answer": "cats"}).status_code == 302
    assert post_form(client, "/s/all-types/q/pick-one", {"answer": "cats"}).status_code == 429
    assert post_form(classmate, "/s/all-types/q/pick-one", {"answer": "dogs"}).status_code == 302


def test_counting_answers_starts_no_thread_and_old_counts_are_swept(app, client, monkeypatch):
    """limits' memory:// started a timer thread for nearly every count under load; the app's
    default storage sweeps expired counts itself, at most once a second."""
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    post_form(client, "/s/all-types", {"filled_by": "me"})
    for _ in range(3):
        time.sleep(0.02)  # longer than the timer memory:// starts, so each count needs one
        assert post_form(client, "/s/all-types/q/pick-one", {"answer": "cats"}).status_code == 302
    assert started == []
    with app.app_context():
        storage = ratelimits.counter().storage
    storage.incr("a count whose window has ended", expiry=0)
    storage.next_sweep = 0  # a sweep is due
    storage.incr("another count", expiry=60)
    assert "a count whose window has ended" not in storage.expirations
    assert "another count" in storage.expirations


def test_a_limit_holds_in_any_window_not_only_in_fixed_ones(app, monkeypatch):
    """60 starts a minute from one address: 59 just before a fixed window would end and 60
    just after it once made 119 in two seconds; a moving window allows 60 in any minute."""
    import limits.storage.memory
    from limits import parse

    clock = [1_000_000.0]
    monkeypatch.setattr(limits.storage.memory, "time", types.SimpleNamespace(time=lambda: clock[0]))
    with app.app_context():
        counter, limit = ratelimits.counter(), parse("60 per minute")
    allowed = [counter.hit(limit, "surveys.start", "192.0.2.1")]
    clock[0] += 59
    allowed += [counter.hit(limit, "surveys.start", "192.0.2.1") for _ in range(59)]
    clock[0] += 2  # past the first start's minute, not the other 59's
    after = [counter.hit(limit, "surveys.start", "192.0.2.1") for _ in range(60)]
    assert all(allowed) and sum(after) == 1
    clock[0] += 60
    assert counter.hit(limit, "surveys.start", "192.0.2.1")


def test_static_files_are_fingerprinted_and_kept_a_year(client):
    page = client.get("/s/all-types").get_data(as_text=True)
    stylesheet = re.search(r'href="(/static/css/sefvoice\.css\?v=[0-9a-f]{10})"', page)
    assert stylesheet, "the stylesheet's address carries its fingerprint"
    kept = client.get(stylesheet[1])
    assert kept.status_code == 200
    assert kept.cache_control.max_age == 365 * 24 * 3600 and kept.cache_control.public
    # An old fingerprint, or none, is revalidated rather than kept.
    for url in ("/static/css/sefvoice.css?v=0000000000", "/static/css/sefvoice.css"):
        reply = client.get(url)
        assert reply.status_code == 200 and reply.cache_control.no_cache, url


def test_every_post_needs_the_csrf_token(app, client):
    """Forms leave the token to CSRFProtect (sefvoice.forms.PageForm), so every POST route
    must be covered by it, signed in or not, before its view runs."""
    routes = [rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(routes) > 10
    for route in routes:
        url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", route))
        reply = client.post(url, data={"anything": "1"})
        assert reply.status_code == 400, route
        assert "This page was open too long" in reply.get_data(as_text=True), route
