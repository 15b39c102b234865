"""Long work (paper batches, bulletin PDFs, big imports, the release audit) runs as jobs
in a worker, off the web request, with a progress page for each.

A feature adds a kind of job with one registration (registry.register) and starts it with
service.start(); `sefvoice worker` runs them (`sefvoice demo` starts one by itself)."""

from flask import Flask

from . import queue, service
from .registry import JobError, Made, Progress, register, size_in_words
from .views import bp

__all__ = ["JobError", "Made", "Progress", "bp", "init_app", "register", "size_in_words"]


def init_app(app: Flask) -> None:
    queue.init_app(app, run=service.run, sweep=service.sweep)
