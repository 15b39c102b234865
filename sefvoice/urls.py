"""Addresses built once per process: url_for costs tens of microseconds, and every page asks
for several that depend on nothing but their arguments (a question page: its form, its back
link, its stylesheet and script, the picture beside each answer)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask, current_app, request, url_for


def init_app(app: Flask) -> None:
    """Give the app its own store of built addresses (not shared between apps: each test
    makes its own) and offer fixed_url to the templates."""
    app.extensions["fixed_url"] = lru_cache(maxsize=4096)(_build)
    app.add_template_global(fixed_url)


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
