"""The task queue (huey) that carries job ids from the web servers to the workers.

The queue holds only ids: what a job is, how far it got and what it made are in the
database (sefvoice.jobs.service), so a message lost with a worker costs nothing that the
sweep (service.abandoned) cannot put back. Where the queue lives follows the app's shape:
- one machine (the demo, SQLite): a SQLite file in the instance folder, nothing to install;
- several servers: Redis (SEFVOICE_REDIS_URL, which they share for rate limits already);
- SEFVOICE_QUEUE_URL chooses either one explicitly (redis://... or sqlite:///path).
With JOBS_IMMEDIATE (the tests) a job runs at once, inside the request that starts it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

QUEUE_NAME = "sefvoice-jobs"
SWEEP_EVERY = crontab(minute="*")  # each minute, any job whose worker died is queued again


def queue_url(config: dict, instance_path: str) -> str:
    return (
        config.get("QUEUE_URL")
        or config.get("REDIS_URL")
        or f"sqlite:///{Path(instance_path) / 'queue.db'}"
    )


def make_queue(url: str, immediate: bool) -> Huey:
    if immediate:
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path))
    raise ValueError(f"SEFVOICE_QUEUE_URL must start redis:// or sqlite:///, not {url!r}")


class JobQueue:
    """The app's queue and its two tasks: run one job, and sweep up abandoned ones."""

    def __init__(self, app: Flask, run: Callable[[int], None], sweep: Callable[[], None]):
        self.huey = make_queue(
            queue_url(app.config, app.instance_path), app.config["JOBS_IMMEDIATE"]
        )

        def run_in_app(job_id: int) -> None:
            with app.app_context():
                run(job_id)

        def sweep_in_app() -> None:
            with app.app_context():
                sweep()

        self._run = self.huey.task(name="run_job")(run_in_app)
        self.huey.periodic_task(SWEEP_EVERY, name="sweep_jobs")(sweep_in_app)
        self.sweep = sweep_in_app

    def enqueue(self, job_id: int) -> None:
        self._run(job_id)

    def consumer(self, threads: int) -> Consumer:
        return self.huey.create_consumer(workers=threads, worker_type="thread")


def init_app(app: Flask, run: Callable[[int], None], sweep: Callable[[], None]) -> None:
    app.extensions["sefvoice_jobs"] = JobQueue(app, run, sweep)


def job_queue() -> JobQueue:
    return current_app.extensions["sefvoice_jobs"]
