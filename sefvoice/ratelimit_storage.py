"""Rate-limit counts kept in this process, without a thread for each count."""

from __future__ import annotations

import time

from limits.storage import MemoryStorage


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
