"""Addresses built once per process: url_for costs tens of microseconds, and every page asks
for several that depend on nothing but their arguments (a question page: its form, its back
link, its stylesheet and script, the picture beside each answer)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from sqlalchemy import make_url

from .config import SettingError

NO_PUBLIC_URL = (
    "SEFVOICE_PUBLIC_URL is not set, so share links, QR codes and PDFs use whatever host a"
    " request names, and requests for any host are answered: set it to the address the"
    " public uses, like https://voice.example.org"
)


def init_app(app: Flask) -> None:
    """Give the app its own store of built addresses (not shared between apps: each test
    makes its own) and offer fixed_url to the templates. With a public address, answer only
    requests for its host (and the extra ones configured): Flask's TRUSTED_HOSTS answers
    any other with 400."""
    app.extensions["fixed_url"] = lru_cache(maxsize=4096)(_build)
    app.add_template_global(fixed_url)
    public = app.config.get("PUBLIC_URL")
    if public:
        app.config["PUBLIC_URL"] = public = checked_public_url(public)
        extra = [h.strip() for h in app.config.get("EXTRA_TRUSTED_HOSTS", "").split(",")]
        app.config["TRUSTED_HOSTS"] = [urlsplit(public).hostname, *filter(None, extra)]
    elif make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        app.logger.warning(NO_PUBLIC_URL)


def checked_public_url(address: str) -> str:
    """The public address without a trailing slash; SettingError unless it is http(s), a
    host (and port) and nothing else."""
    parts = urlsplit(address.strip().rstrip("/"))
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or (parts.query or parts.fragment or parts.username or parts.password)
    ):
        raise SettingError(
            f"SEFVOICE_PUBLIC_URL must be a scheme and host, like https://voice.example.org,"
            f" with no path; found {address!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def public_url(endpoint: str, **values: Any) -> str:
    """An address to give out (a share link, a QR code, a link in a PDF): on the public
    address when one is set, never on the Host header this request came with."""
    public = current_app.config.get("PUBLIC_URL")
    if not public:
        return url_for(endpoint, _external=True, **values)
    return public + url_for(endpoint, **values)


def public_root() -> str:
    """The site's address with a trailing slash, as public_url chooses it."""
    public = current_app.config.get("PUBLIC_URL")
    return f"{public}{request.script_root}/" if public else request.host_url


def fixed_url(endpoint: str, **values: Any) -> str:
    """url_for(endpoint, **values), built once per address root and arguments outside debug
    mode (where a static file's fingerprint may change while the app runs). Only for
    addresses that depend on nothing else in the request."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.debug:
        return url_for(endpoint, **values)
    return app.extensions["fixed_url"](request.script_root, endpoint, tuple(values.items()))


def _build(script_root: str, endpoint: str, values: tuple) -> str:
    return url_for(endpoint, **dict(values))
