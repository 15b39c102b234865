"""Rate limits on the forms that can be abused (start, answer, resume, withdraw, sign-in).

The `limits` library counts, in the storage RATELIMIT_STORAGE_URI names (Redis shared by
every worker and server, or this process's memory), in moving windows: a limit of 60 a
minute allows 60 in any 60 seconds (a fixed window allows 120 across its end). This module only
decides which requests count and answers 429 when a limit is reached. (Flask-Limiter, which
wraps `limits`, looked every request up twice, before the view and in it, whether or not
the route had a limit: a tenth of an answer's instructions, measured with
`bench/pages.py --instructions`.)
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from collections.abc import Callable, Mapping
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from flask import Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "sefvoice_rate_limits"


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage, with the expired counts swept by the request that finds a sweep
    due (at most once a second) instead of by a timer thread. MemoryStorage starts a new timer
    whenever its last one has run (10 ms after it started), so under load nearly every answer
    sent started a thread, and every sweep walked all the counts. A count read after its
    window has ended is dropped at once either way (MemoryStorage.get)."""

    STORAGE_SCHEME = ["sefvoice-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.next_sweep = time.monotonic() + self.SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (MemoryStorage's private name)
        """Called by MemoryStorage on every count it changes."""
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()


def init_app(app: Flask) -> None:
    """Counts for this app, in the storage its config names; a warning if several gunicorn
    workers would each count alone."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    app.extensions[EXTENSION] = MovingWindowRateLimiter(storage_from_string(uri))
    warning = shared_limits_warning(uri, sys.argv, os.environ)
    if warning:
        app.logger.warning(warning)


def counter() -> MovingWindowRateLimiter:
    """The current app's counter (tests read its storage)."""
    return current_app.extensions[EXTENSION]


def remote_address() -> str:
    """The client's address (behind a proxy, ProxyFix has put the real one here)."""
    return request.remote_addr or "127.0.0.1"


@lru_cache(maxsize=32)
def _parsed(limit: str) -> RateLimitItem:
    return parse(limit)


def limited(
    setting: str, key: Callable[[], str] = remote_address, methods: tuple[str, ...] = ("POST",)
) -> Callable:
    """Count each request of `methods` to the view against the limit named by config
    `setting` ("10 per minute", read at each request so tests can set it), per `key`; over it,
    a 429 page and the view does not run."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def counted(*args: Any, **kwargs: Any) -> Any:
            if request.method in methods:
                limit = _parsed(current_app.config[setting])
                if not counter().hit(limit, request.endpoint or "", key()):
                    abort(429)
            return view(*args, **kwargs)

        return counted

    return decorate


def gunicorn_workers(argv: list[str], environ: Mapping[str, str]) -> int:
    """How many workers gunicorn was started with (1 when this is not gunicorn): from its
    command line, GUNICORN_CMD_ARGS or WEB_CONCURRENCY, the places gunicorn reads it from."""
    if not argv or "gunicorn" not in Path(argv[0]).name:
        return 1
    workers = int(environ.get("WEB_CONCURRENCY", "1") or 1)
    for words in (shlex.split(environ.get("GUNICORN_CMD_ARGS", "")), argv[1:]):
        for position, word in enumerate(words):
            if word in ("-w", "--workers") and position + 1 < len(words):
                workers = int(words[position + 1])
            elif word.startswith("--workers="):
                workers = int(word.split("=", 1)[1])
            elif word.startswith("-w") and word[2:].isdigit():
                workers = int(word[2:])
    return workers


def shared_limits_warning(storage: str, argv: list[str], environ: Mapping[str, str]) -> str | None:
    """A warning when several gunicorn workers would each keep their own rate-limit counts."""
    workers = gunicorn_workers(argv, environ)
    if storage.startswith(("memory://", "sefvoice-memory://")) and workers > 1:
        return (
            f"rate limits are counted in each worker's memory, so with {workers} gunicorn"
            f" workers every limit is {workers} times as high: set SEFVOICE_REDIS_URL"
            " (or SEFVOICE_RATELIMIT_STORAGE) to redis://..."
        )
    return None
