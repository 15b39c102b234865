"""Static files at addresses that carry a fingerprint of their content, kept by browsers for
a year.

Without it every page revalidates its stylesheet, script and pictures, a round trip each,
which a phone on a slow rural connection feels. A changed file gets a new address, so
nobody is left with an old stylesheet.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from werkzeug.security import safe_join

from .pictures import picture_problem
from .urls import fixed_url

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _digest(path: str, modified_ns: int) -> str:
    """The first 10 hex digits of the file's SHA-256 (modified_ns: a changed file is
    read again)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fingerprint(static_folder: str, filename: str) -> str | None:
    """The fingerprint of a file in the static folder; None if there is no such file."""
    path = safe_join(static_folder, filename)
    if path is None or not Path(path).is_file():
        return None
    return _digest(path, Path(path).stat().st_mtime_ns)


def picture_url(name: str) -> str | None:
    """A survey picture's address; None for a name that is not a picture in static/pictures
    (a version stored before pictures were checked), so a page shows no picture rather than
    a link to another file."""
    if picture_problem(Path(current_app.static_folder), name):
        return None
    return fixed_url("static", filename=name)


def add_fingerprints(app: Flask) -> None:
    """url_for('static', ...) adds ?v=<fingerprint>; a request with the current fingerprint
    may be cached for a year. Any other (an old page's) is revalidated as before.

    Outside debug mode a file's fingerprint is worked out once per process: static files
    change only with a new release, which restarts the app, and a page asks about ten times.
    """
    lookup = fingerprint if app.debug else lru_cache(maxsize=512)(fingerprint)

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = lookup(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.template_global()
    def static_url(filename: str) -> str:
        """url_for('static', filename=...), built once (urls.fixed_url): a question page has a
        picture beside each answer."""
        return fixed_url("static", filename=filename)

    app.add_template_global(picture_url)

    revalidate = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        current = filename and lookup(app.static_folder, filename)
        if current and request.args.get("v") == current:
            return YEAR
        return revalidate(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
