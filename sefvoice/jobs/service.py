"""Jobs as plain functions: start one, run it in a worker, follow it, retry it, and put
back the ones whose worker died.

A job's row says everything about it (models.Job). A worker claims a queued job by raising
its `attempt`; its progress, heartbeat and end are written only while that attempt is still
the job's, so a worker given up on (killed, or lost) cannot overwrite a newer run. What a job
made is written in the transaction that marks it done: a job is done with its whole file, or
not done at all.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Row, delete, insert, select, update
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import Job, JobFile, JobFilePart, utcnow
from .queue import job_queue
from .registry import KINDS, JobError, JobKind, Made

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5  # a running job's worker says it is alive this often
STALE_AFTER = timedelta(seconds=60)  # silent this long: its worker is gone, run it again
PART_SIZE = 1 << 20  # a stored file is kept, and downloaded, a mebibyte at a time
PROGRESS_EVERY = 0.5  # seconds between progress writes (the page asks every 2 s)
FAILED = (
    "Something went wrong while {what}, and it stopped ({error}). Nothing half-made was kept."
    " Try again; if it fails again, tell whoever runs sefvoice: the details are in its log."
)
RESTARTED = "Starting again: the worker running it stopped"


def kind_of(job: Job) -> JobKind:
    return KINDS[job.kind]


def start(kind: str, subject: str, arguments: dict, who: str) -> Job:
    """Store a job and queue it; returns it (committed). Starting the same work again while
    it is queued or running gives the job already under way."""
    if kind not in KINDS:
        raise ValueError(f"no kind of job is named {kind!r}")
    under_way = db.session.scalar(
        select(Job)
        .where(Job.kind == kind, Job.subject == subject, Job.state.in_(("queued", "running")))
        .order_by(Job.id.desc())
        .limit(1)
    )
    if under_way is not None and under_way.arguments == arguments:
        return under_way
    job = Job(kind=kind, subject=subject, arguments=arguments, who=who)
    db.session.add(job)
    db.session.commit()
    job_queue().enqueue(job.id)
    db.session.refresh(job)
    return job


def get(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def latest_done(kind: str, subject: str) -> Job | None:
    return db.session.scalar(
        select(Job)
        .where(Job.kind == kind, Job.subject == subject, Job.state == "done")
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(1)
    )


def recent(limit: int = 50) -> list[Job]:
    return list(db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def result_file(job_id: int) -> Row | None:
    """The name, media type and size of the file a job made; None if it made none."""
    return db.session.execute(
        select(JobFile.name, JobFile.media_type, JobFile.size).where(JobFile.job_id == job_id)
    ).first()


def result_parts(job_id: int) -> Iterator[bytes]:
    """The file's bytes, a part at a time (each part read when it is wanted, so a large
    file is never held whole in a web server's memory)."""
    number = 0
    while (part := _part(job_id, number)) is not None:
        yield part
        number += 1


def _part(job_id: int, number: int) -> bytes | None:
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # psycopg's binary results: the bytes as stored, where the default text results
        # send them as hex (twice the size, then decoded): 50 MB in 0.14 s instead of 0.66 s.
        driver = connection.connection.driver_connection
        with driver.cursor(binary=True) as cursor:
            row = cursor.execute(
                "SELECT content FROM job_file_part WHERE job_id = %s AND number = %s",
                (job_id, number),
            ).fetchone()
        return None if row is None else bytes(row[0])
    return db.session.scalar(
        select(JobFilePart.content).where(
            JobFilePart.job_id == job_id, JobFilePart.number == number
        )
    )


def retry(job: Job) -> bool:
    """Queue a failed job again; False if it has not failed."""
    changed = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == "failed")
        .values(state="queued", error=None, done=0, total=None, doing="Waiting for a worker")
    ).rowcount
    db.session.commit()
    if changed:
        job_queue().enqueue(job.id)
    return bool(changed)


# How it is going


def describe(job: Job) -> str:
    """The job's state in a sentence: "Drawing copy 1,200 of 5,000." A kind's `doing` may
    name its counts ({done}, {total}); otherwise counted steps are shown after it."""
    if job.state == "done":
        return "Finished."
    if job.state == "failed":
        return "It did not finish."
    if job.state == "running" and job.total:
        if "{done}" in job.doing:
            return job.doing.format(done=f"{job.done:,}", total=f"{job.total:,}") + "."
        return f"{job.doing} (step {min(job.done + 1, job.total)} of {job.total})."
    return f"{job.doing}."


@dataclass(frozen=True)
class Estimate:
    seconds: float

    def __str__(self) -> str:
        if self.seconds < 10:
            return "a few seconds"
        if self.seconds < 90:
            return f"about {int(self.seconds / 10 + 0.5) * 10} seconds"
        return f"about {int(self.seconds / 60 + 0.5)} minutes"


def estimate(job: Job, now: datetime | None = None) -> Estimate | None:
    """Time left: from its own pace once it has done some of its steps, otherwise from how
    long the last job of its kind took."""
    now = now or utcnow()
    if job.state == "running" and job.started_at and job.total and 0 < job.done <= job.total:
        elapsed = (now - job.started_at).total_seconds()
        return Estimate(elapsed * (job.total - job.done) / job.done)
    if job.state not in ("queued", "running"):
        return None
    last = db.session.execute(
        select(Job.started_at, Job.finished_at)
        .where(Job.kind == job.kind, Job.state == "done", Job.started_at.is_not(None))
        .order_by(Job.finished_at.desc())
        .limit(1)
    ).first()
    if last is None:
        return None
    took = (last.finished_at - last.started_at).total_seconds()
    begun = (now - job.started_at).total_seconds() if job.started_at else 0
    return Estimate(max(took - begun, 0))


# Running (in a worker)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Superseded(Exception):
    """This attempt is no longer the job's: another worker runs it now."""


class Attempt:
    """One worker's run of a job: its progress and heartbeat, each written in its own short
    transaction on its own connection (the job's session may be in the middle of its work)."""

    def __init__(self, engine: Engine, job_id: int, number: int):
        self.engine, self.job_id, self.number = engine, job_id, number
        self._written, self._doing = 0.0, ""
        self._stopped = threading.Event()
        self._heart = threading.Thread(target=self._beat, name=f"job-{job_id}", daemon=True)

    def _write(self, **values) -> bool:
        with self.engine.begin() as connection:
            return bool(
                connection.execute(
                    update(Job)
                    .where(Job.id == self.job_id, Job.attempt == self.number)
                    .where(Job.state == "running")
                    .values(heartbeat_at=utcnow(), **values)
                ).rowcount
            )

    def step(self, done: int, total: int | None, doing: str) -> None:
        """Written at once for a new step or the last count; otherwise at most every
        PROGRESS_EVERY seconds. Raises Superseded if the job is no longer this attempt's."""
        now = time.monotonic()
        if doing == self._doing and done != total and now - self._written < PROGRESS_EVERY:
            return
        self._written, self._doing = now, doing
        try:
            written = self._write(done=done, total=total, doing=doing[:200])
        except OperationalError as error:  # SQLite: the job's own write holds the lock
            log.warning("job %s: progress not written (%s)", self.job_id, error.orig)
            return
        if not written:
            raise Superseded

    def _beat(self) -> None:
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            try:
                self._write()
            except Exception as error:  # SQLite busy with the job's own write: next time
                log.warning("job %s: heartbeat not written (%s)", self.job_id, error)

    def __enter__(self) -> Attempt:
        self._heart.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stopped.set()
        self._heart.join()


def claim(job_id: int) -> int | None:
    """Make the job this worker's; its attempt number, or None if it is not queued."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(
            state="running",
            attempt=Job.attempt + 1,
            worker=worker_name(),
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            done=0,
            doing="Starting",
        )
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return db.session.scalar(select(Job.attempt).where(Job.id == job_id))


def _finish(job_id: int, number: int, values: dict, made: Made | None = None) -> None:
    """Mark the attempt's end and store what it made, in one transaction."""
    ended = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.attempt == number, Job.state == "running")
        .values(finished_at=utcnow(), worker=None, **values)
    ).rowcount
    if not ended:
        db.session.rollback()
        raise Superseded
    if made is not None and made.content is not None:
        content = made.content
        db.session.execute(delete(JobFilePart).where(JobFilePart.job_id == job_id))
        db.session.execute(delete(JobFile).where(JobFile.job_id == job_id))
        db.session.execute(
            insert(JobFile).values(
                job_id=job_id, name=made.file_name, media_type=made.media_type, size=len(content)
            )
        )
        db.session.execute(
            insert(JobFilePart),
            [
                {"job_id": job_id, "number": number, "content": content[start : start + PART_SIZE]}
                for number, start in enumerate(range(0, max(len(content), 1), PART_SIZE))
            ],
        )
    db.session.commit()


def run(job_id: int) -> None:
    """Run a queued job to its end (a worker's task). Never raises: a failure is stored
    on the job, in plain words."""
    number = claim(job_id)
    if number is None:
        return  # done, failed, or another worker has it: a repeated message
    job = db.session.get(Job, job_id)
    kind, arguments = kind_of(job), dict(job.arguments)
    db.session.commit()  # the work starts with no transaction open
    try:
        with Attempt(db.engine, job_id, number) as attempt:
            made = kind.work(arguments, attempt)
        done = {"state": "done", "result": made.summary, "doing": "Finished"}
        if made.next_page:
            endpoint, values = made.next_page
            done["arguments"] = {**arguments, "next_page": {"endpoint": endpoint, "values": values}}
        _finish(job_id, number, done, made)
    except Superseded:
        db.session.rollback()
        log.warning("job %s: attempt %s was superseded; its work is dropped", job_id, number)
    except Exception as error:
        db.session.rollback()
        if isinstance(error, JobError):
            message = str(error)
        else:
            log.exception("job %s (%s) failed", job_id, kind.name)
            what = kind.title[:1].lower() + kind.title[1:]
            message = FAILED.format(what=what, error=type(error).__name__)
        with contextlib.suppress(Superseded):  # another worker runs it now
            _finish(job_id, number, {"state": "failed", "error": message, "doing": "Stopped"})


# Jobs whose worker died


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def abandoned(now: datetime | None = None) -> list[int]:
    """Put back in the queue's state every running job whose worker is gone: one on this
    machine whose process has ended, or any that has not said it is alive for STALE_AFTER.
    Their ids, to queue again (sweep() does)."""
    now = now or utcnow()
    host = socket.gethostname()
    gone = []
    for job_id, worker, heartbeat in db.session.execute(
        select(Job.id, Job.worker, Job.heartbeat_at).where(Job.state == "running")
    ):
        name, _, pid = (worker or "").rpartition(":")
        died_here = name == host and pid.isdigit() and not _alive(int(pid))
        if died_here or heartbeat is None or now - heartbeat > STALE_AFTER:
            gone.append(job_id)
    if not gone:
        return []
    requeued = db.session.scalars(
        update(Job)
        .where(Job.id.in_(gone), Job.state == "running")
        .values(state="queued", worker=None, done=0, doing=RESTARTED)
        .returning(Job.id)
    ).all()
    db.session.commit()
    return list(requeued)


def sweep() -> None:
    """Queue again the jobs abandoned by a worker that died (each minute, and as a worker
    starts)."""
    queue = job_queue()
    for job_id in abandoned():
        log.warning("job %s: its worker stopped; queued again", job_id)
        queue.enqueue(job_id)
