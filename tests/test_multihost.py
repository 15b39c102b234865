"""Two app servers behind nginx, sharing only PostgreSQL and Redis: every journey works with
its requests going to one server, then the other (round robin, no sticky sessions).

A worker (`sefvoice worker`) runs the jobs from the queue in Redis, as a third machine would.

Needs SEFVOICE_TEST_DATABASE_URL (this test makes its own database beside that one, named
`<that database>_multihost`, dropped and made again), SEFVOICE_TEST_REDIS_URL (a Redis
database the test may empty, for the rate-limit counts) and Debian's nginx. Without them it
is skipped, or fails when CI is set.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from flask_migrate import upgrade
from limits import parse
from pypdf import PdfReader
from sqlalchemy import create_engine, make_url, select

from sefvoice import config as settings
from sefvoice.auth import service as auth_service
from sefvoice.auth import throttle
from sefvoice.extensions import db
from sefvoice.models import Answer, IndicatorValue, Job, Response
from sefvoice.surveys import versions as survey_versions

from .cluster import (
    NGINX,
    Cluster,
    freeze_mid_job,
    recreate_postgresql_database,
    start_cluster,
    start_worker,
)
from .conftest import CSRF_PATTERN, PASSWORD, make_app
from .test_indicators import GOOD
from .test_manage import publish_form, version_2
from .test_taking_a_survey import ALL_ANSWERS, SLUG

pytestmark = pytest.mark.multihost

OFFICER = "officer@example.org"
JOB_DOING = re.compile(r'<p class="job__doing"><strong>(.*?)</strong>')
MISSING = [
    reason
    for reason, missing in (
        ("SEFVOICE_TEST_DATABASE_URL is not set", not os.environ.get("SEFVOICE_TEST_DATABASE_URL")),
        ("SEFVOICE_TEST_REDIS_URL is not set", not os.environ.get("SEFVOICE_TEST_REDIS_URL")),
        (f"no nginx at {NGINX} (apt-get install nginx)", not NGINX.exists()),
    )
    if missing
]


def multihost_database() -> str:
    """A new, empty database beside the test database, so the session's fixtures and these
    servers never share tables."""
    url = make_url(os.environ["SEFVOICE_TEST_DATABASE_URL"])
    return recreate_postgresql_database(url.set(database=f"{url.database}_multihost"))


@pytest.fixture(scope="module")
def database(definitions) -> str:
    """Migrated, with the surveys and an officer's account."""
    if MISSING:
        if os.environ.get("CI"):
            pytest.fail("; ".join(MISSING))
        pytest.skip("; ".join(MISSING))
    url = multihost_database()
    app = make_app(url, CHECK_MIGRATED=False)
    with app.app_context():
        upgrade()
        survey_versions.store_definitions(definitions)
        auth_service.create_user(OFFICER, PASSWORD, "officer")
        db.session.remove()
        db.engine.dispose()
    return url


def empty_redis() -> None:
    redis.Redis.from_url(os.environ["SEFVOICE_TEST_REDIS_URL"]).flushdb()


@pytest.fixture(scope="module")
def cluster(database) -> Iterator[Cluster]:
    redis_url = os.environ["SEFVOICE_TEST_REDIS_URL"]
    empty_redis()  # counts left by an earlier run
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("SEFVOICE_")},
        "SEFVOICE_DATABASE_URL": database,
        "SEFVOICE_SECRET_KEY": secrets.token_hex(32),  # the same on every server
        "SEFVOICE_REDIS_URL": redis_url,
        "SEFVOICE_PROXY_COUNT": "1",  # nginx
    }
    with tempfile.TemporaryDirectory(prefix="sefvoice-multihost-") as folder:
        started = start_cluster(2, env, Path(folder), workers=1)
        started.worker = start_worker(env, Path(folder))
        try:
            yield started
        finally:
            started.stop()


class Browser:
    """One person's browser (its own cookies) talking to nginx. `served` lists the app
    server that answered each request, in order, for every browser of the test."""

    def __init__(self, cluster: Cluster, served: list[str]) -> None:
        self.cluster, self.served, self.http = cluster, served, requests.Session()
        self.url = cluster.url

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        reply = self.http.request(method, self.url + path, allow_redirects=False, **kwargs)
        self.served.append(reply.headers["X-Upstream"])
        return reply

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def token(self, page: requests.Response) -> str:
        match = CSRF_PATTERN.search(page.text)
        assert match, f"no CSRF token on {page.url} ({page.status_code})"
        return match.group(1)

    def post(self, path: str, data: dict, token_from: str | None = None, **kwargs):
        """Open the page the form is on (on one server), then send it (to the other)."""
        token = self.token(self.get(token_from or path))
        return self.request("POST", path, data={"csrf_token": token, **data}, **kwargs)

    def sign_in(self, email: str, password: str) -> requests.Response:
        return self.post("/sign-in", {"email": email, "password": password})


def redirected_to(reply: requests.Response, path: str) -> bool:
    return reply.status_code == 302 and reply.headers["Location"].endswith(path)


@pytest.fixture
def served() -> list[str]:
    return []


def test_a_respondent_stops_and_comes_back_on_another_device(cluster, database, served):
    phone = Browser(cluster, served)
    reply = phone.post(f"/s/{SLUG}", {"filled_by": "me"})
    assert redirected_to(reply, f"/s/{SLUG}/code")
    code = re.search(
        r'class="resume-code"[^>]*>([A-Z0-9-]+)<', phone.get(reply.headers["Location"]).text
    )
    assert code, "no resume code on the code page"
    stopped_after = 3
    for question_id, value in ALL_ANSWERS[:stopped_after]:
        reply = phone.post(f"/s/{SLUG}/q/{question_id}", {"answer": value})
        assert reply.status_code == 302, (question_id, reply.text[:300])

    laptop = Browser(cluster, served)  # no cookies: only the code carries the response over
    reply = laptop.post("/resume", {"code": code.group(1)})
    assert redirected_to(reply, f"/s/{SLUG}/q/{ALL_ANSWERS[stopped_after][0]}"), reply.text[:300]
    for question_id, value in ALL_ANSWERS[stopped_after:]:
        reply = laptop.post(f"/s/{SLUG}/q/{question_id}", {"answer": value})
        assert reply.status_code == 302, (question_id, reply.text[:300])
    assert redirected_to(laptop.post(f"/s/{SLUG}/check", {}), f"/s/{SLUG}/done")
    assert "Thank you" in laptop.get(f"/s/{SLUG}/done").text

    assert set(served) == set(cluster.upstreams)
    engine = create_engine(database)
    with engine.connect() as connection:
        assert connection.scalar(select(Response.submitted_at)) is not None
        stored = connection.scalars(select(Answer.question_id)).all()
    engine.dispose()
    assert sorted(stored) == sorted(question_id for question_id, _value in ALL_ANSWERS)


def test_an_officer_uploads_previews_and_confirms_on_different_servers(cluster, database, served):
    officer = Browser(cluster, served)
    assert redirected_to(officer.sign_in(OFFICER, PASSWORD), "/")
    upload_page = officer.get("/indicators/upload")
    preview = officer.request(
        "POST",
        "/indicators/upload",
        data={"csrf_token": officer.token(upload_page), "sheet": ""},
        files={"file": ("measures.csv", GOOD)},
    )
    assert preview.status_code == 200 and "<strong>4</strong> new figures" in preview.text
    previewed_on = served[-1]
    confirmed = officer.request(
        "POST", "/indicators/upload/confirm", data={"csrf_token": officer.token(preview)}
    )
    assert served[-1] != previewed_on, "round robin sent the confirm to the same server"
    assert redirected_to(confirmed, "/indicators/"), confirmed.headers.get("Location")
    listing = officer.get("/indicators/")
    assert "Imported measures.csv" in listing.text and "Plans in 20 weeks" in listing.text
    engine = create_engine(database)
    with engine.connect() as connection:
        assert len(connection.scalars(select(IndicatorValue.id)).all()) == 4
    engine.dispose()


def test_an_officer_uploads_and_publishes_a_survey_version_on_different_servers(cluster, served):
    officer = Browser(cluster, served)
    assert redirected_to(officer.sign_in(OFFICER, PASSWORD), "/")
    manage = f"/surveys/manage/{SLUG}"
    upload_page = officer.get(f"{manage}/upload")
    changes = officer.request(
        "POST",
        f"{manage}/upload",
        data={"csrf_token": officer.token(upload_page)},
        files={"file": (f"{SLUG}.yaml", version_2().encode())},
    )
    assert changes.status_code == 200 and "Check the changes in version 2" in changes.text
    checked_on = served[-1]
    published = officer.request(
        "POST",
        f"{manage}/publish",
        data={"csrf_token": officer.token(changes), **publish_form(changes.text)},
    )
    assert served[-1] != checked_on, "round robin sent the publish to the same server"
    assert redirected_to(published, manage), published.text[:300]
    # Every server now starts people on version 2: none kept version 1 in its memory.
    respondent = Browser(cluster, served)
    assert redirected_to(respondent.post(f"/s/{SLUG}", {"filled_by": "me"}), f"/s/{SLUG}/code")
    for _server in cluster.upstreams:
        assert "Which pet do you like best?" in respondent.get(f"/s/{SLUG}/q/pick-one").text
    assert set(served[-2:]) == set(cluster.upstreams)


def follow(browser: Browser, progress: str, until: str = "Finished.", seconds: float = 180):
    """Read a job's progress page, as its refresh does, until it says `until`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = browser.get(progress)
        assert page.status_code == 200 and "It did not finish" not in page.text, page.text[:2000]
        if until in page.text:
            return page
        time.sleep(0.2)
    doing = JOB_DOING.search(page.text)
    workers = "\n".join(
        f"{log.name}:\n{log.read_text()[-3000:]}"
        for log in browser.cluster.folder.glob("*worker.log")
    )
    raise AssertionError(
        f"{progress} did not say {until!r} within {seconds} s;"
        f" it said {doing.group(1) if doing else page.text[:2000]!r}\n{workers}"
    )


def test_paper_copies_printed_on_one_server_download_from_the_other(cluster, served):
    officer = Browser(cluster, served)
    assert redirected_to(officer.sign_in(OFFICER, PASSWORD), "/")
    printed = officer.post(f"/paper/{SLUG}/print", {"copies": "2"})
    assert printed.status_code == 302 and re.search(r"/jobs/\d+$", printed.headers["Location"])
    progress = printed.headers["Location"]
    follow(officer, progress)
    downloads = [officer.get(progress + "/result") for _server in cluster.upstreams]
    assert set(served[-2:]) == set(cluster.upstreams)
    assert all(pdf.status_code == 200 and pdf.content.startswith(b"%PDF") for pdf in downloads)
    assert downloads[0].content == downloads[1].content  # the one stored file


def test_a_worker_killed_mid_job_leaves_it_to_another_that_makes_it_whole(
    cluster, database, served
):
    copies = 400
    officer = Browser(cluster, served)
    assert redirected_to(officer.sign_in(OFFICER, PASSWORD), "/")
    printed = officer.post(f"/paper/{SLUG}/print", {"copies": str(copies), "large_print": "y"})
    progress = printed.headers["Location"]
    job_id = int(progress.rsplit("/", 1)[1])
    engine = create_engine(database)

    def state() -> str:
        with engine.connect() as connection:
            return connection.scalar(select(Job.state).where(Job.id == job_id))

    freeze_mid_job(cluster.worker, state)
    engine.dispose()
    cluster.worker.send_signal(signal.SIGKILL)
    cluster.worker.wait()
    assert "/result" not in officer.get(progress).text
    cluster.worker = start_worker(cluster.env, cluster.folder, "second-worker")
    follow(officer, progress)
    pdf = officer.get(progress + "/result")
    pages = len(PdfReader(io.BytesIO(pdf.content)).pages)
    assert pages % copies == 0 and pages > copies


def test_an_officer_exports_a_bulletin(cluster, served):
    officer = Browser(cluster, served)
    assert redirected_to(officer.sign_in(OFFICER, PASSWORD), "/")
    started = officer.post("/bulletins/", {"term": "Summer 2023"})
    assert redirected_to(started, "/bulletins/summer-2023/edit")
    for edition in ("bulletin", "easy-read"):
        export = officer.get(f"/bulletins/summer-2023/{edition}.pdf")
        assert export.status_code == 302
        follow(officer, export.headers["Location"])
        pdf = officer.get(export.headers["Location"] + "/result")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = officer.get("/bulletins/summer-2023/bulletin.html")
    assert page.status_code == 200 and "Summer 2023" in page.text
    assert set(served) == set(cluster.upstreams)


def test_an_officer_checks_a_terms_release(cluster, served):
    officer = Browser(cluster, served)
    assert redirected_to(officer.sign_in(OFFICER, PASSWORD), "/")
    started = officer.post("/release/audit", {"term": "Summer 2023"})
    assert started.status_code == 302
    follow(officer, started.headers["Location"])
    report = officer.get(started.headers["Location"] + "/result")
    assert report.text.startswith("Summer 2023: ")


def test_a_lockout_holds_on_every_server(cluster, database, served):
    """The lock is in the database (the rate limit's counts in Redis are another matter:
    emptied, so that the officers' sign-ins before this one do not reach it)."""
    empty_redis()
    with make_app(database).app_context():
        auth_service.create_user("locked@example.org", PASSWORD, "officer")
        db.engine.dispose()
    person = Browser(cluster, served)
    token = person.token(person.get("/sign-in"))
    wrong = {"csrf_token": token, "email": "locked@example.org", "password": "wrong password"}
    for _attempt in range(throttle.MAX_TRIES):  # one server, then the other
        refused = person.request("POST", "/sign-in", data=wrong)
        assert refused.status_code == 400 and "not right" in refused.text
    for _server in cluster.upstreams:  # the right password, on each server: locked
        refused = person.request("POST", "/sign-in", data={**wrong, "password": PASSWORD})
        assert refused.status_code == 400 and "not right" in refused.text
    assert set(served) == set(cluster.upstreams)


def test_sign_in_limits_count_across_servers(cluster, served):
    """Sign-ins a minute from one address (ten), counted in Redis: with each server counting
    on its own, twice as many would get through."""
    allowed = parse(settings.from_environment()["SIGN_IN_LIMIT"]).amount
    empty_redis()
    person = Browser(cluster, served)
    token = person.token(person.get("/sign-in"))
    wrong = {"csrf_token": token, "email": "nobody@example.org", "password": "wrong password"}
    limited_at = None
    for attempt in range(1, 2 * allowed + 2):  # with one token, each goes to the other server
        if person.request("POST", "/sign-in", data=wrong).status_code == 429:
            limited_at = attempt
            break
    empty_redis()
    assert set(served) == set(cluster.upstreams)
    assert limited_at == allowed + 1, limited_at


def test_no_server_keeps_anything_in_its_instance_folder(cluster):
    """Run last: nothing a later request needs was left on one server's disk."""
    for folder in cluster.instance_dirs:
        assert list(folder.rglob("*")) == [], folder
