"""Addresses given out (share links, QR codes, PDFs) are on the configured public address,
never on the Host header a request came with; a request for another host is refused; the
display cookie is Secure wherever the session cookie is."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from flask.testing import FlaskClient

from sefvoice.config import SettingError

from .conftest import csrf_token, make_app, post_form, sign_in

PUBLIC = "https://voice.example.org"


@pytest.fixture
def public_app(app, database_url):
    """An app with a public address and one more host it answers to (the test app's
    database, with the surveys in it)."""
    return make_app(database_url, PUBLIC_URL=PUBLIC + "/", EXTRA_TRUSTED_HOSTS="internal.test")


class HostClient(FlaskClient):
    """A test client whose every request names `base_url`'s host and scheme."""

    base_url = "http://localhost"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", self.base_url)
        return super().open(*args, **kwargs)


def client_for(app, host: str, scheme: str = "https") -> HostClient:
    client = HostClient(app, app.response_class, use_cookies=True)
    client.base_url = f"{scheme}://{host}"
    return client


def test_a_request_for_an_unknown_host_is_refused(public_app):
    assert client_for(public_app, "evil.example").get("/s/all-types").status_code == 400
    assert client_for(public_app, "voice.example.org").get("/s/all-types").status_code == 200
    assert client_for(public_app, "internal.test", "http").get("/s/all-types").status_code == 200


def test_links_qr_codes_and_pdfs_use_the_public_address_not_the_host_header(public_app):
    officer = client_for(public_app, "internal.test", "http")
    sign_in(officer, "officer")
    page = officer.get("/surveys/manage/all-types").get_data(as_text=True)
    assert f'href="{PUBLIC}/s/all-types"' in page and "internal.test" not in page
    flyer = officer.get("/surveys/manage/all-types/flyer.pdf")
    with pdfplumber.open(io.BytesIO(flyer.data)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "voice.example.org/s/all-types" in text and "internal.test" not in text
    printed = post_form(officer, "/paper/all-types/print", {"copies": "1"})
    copies = officer.get(printed.headers["Location"] + "/copies.pdf")
    assert b"internal.test" not in copies.data
    with pdfplumber.open(io.BytesIO(copies.data)) as pdf:
        assert "voice.example.org" in pdf.pages[0].extract_text()


def test_without_a_public_address_the_demo_uses_the_request_host(client):
    sign_in(client, "officer")
    page = client.get("/surveys/manage/all-types").get_data(as_text=True)
    assert 'href="http://localhost/s/all-types"' in page


@pytest.mark.parametrize(
    "address",
    [
        "voice.example.org",
        "ftp://voice.example.org",
        "https://voice.example.org/survey",
        "https://",
        "https://voice.example.org/?x=1",
        "https://user:pw@voice.example.org",
    ],
)
def test_a_public_address_that_is_not_a_scheme_and_host_stops_start_up(database_url, address):
    with pytest.raises(SettingError, match="SEFVOICE_PUBLIC_URL must be a scheme and host"):
        make_app(database_url, PUBLIC_URL=address)


def display_cookie(reply) -> str:
    return next(h for h in reply.headers.getlist("Set-Cookie") if h.startswith("display="))


def test_the_display_cookie_is_secure_in_production_and_over_https(app, database_url):
    def switch(client, origin: str = "http://localhost") -> str:
        token = csrf_token(client, "/resume")
        form = {"next": "/", "csrf_token": token}
        # (Over HTTPS, Flask-WTF checks that the form came from this site's own page.)
        return display_cookie(client.post("/display", data=form, headers={"Referer": origin}))

    assert "Secure" not in switch(app.test_client())  # the demo on http://127.0.0.1
    assert "; Secure" in switch(client_for(app, "localhost"), "https://localhost/resume")
    # Production behind a proxy that ends HTTPS: the app sees http. (The test client keeps
    # no Secure cookie over http, so the form's CSRF check is off here.)
    production = make_app(database_url, SESSION_COOKIE_SECURE=True, WTF_CSRF_ENABLED=False)
    reply = production.test_client().post("/display", data={"next": "/"})
    assert "; Secure" in display_cookie(reply)
