"""Fixtures: every test runs on SQLite, and again on PostgreSQL when
SEFVOICE_TEST_DATABASE_URL is set (CI sets it to the local server)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from sefvoice import create_app
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import load_charter, load_survey_file, survey_files
from sefvoice.extensions import db
from sefvoice.surveys import versions as survey_versions

FIXTURES = Path(__file__).parent / "fixtures"
STATIC = STATIC_DIR
EASYREAD = EASYREAD_DIR
REPOSITORY = Path(__file__).resolve().parent.parent

# The apps' instance folder (uploads waiting for confirmation): a temporary one, removed at
# exit, so tests leave nothing in the checkout's instance/.
INSTANCE = tempfile.TemporaryDirectory(prefix="sefvoice-tests-")

DATABASES = ["sqlite"]
if os.environ.get("SEFVOICE_TEST_DATABASE_URL"):
    DATABASES.append("postgresql")


def reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(url: str, **config) -> object:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "JOBS_IMMEDIATE": True,  # a job runs in the request that starts it (test_jobs: not)
            **config,
        }
    )
    app.instance_path = INSTANCE.name
    return app


@pytest.fixture(autouse=True)
def secret_key(monkeypatch) -> None:
    """Apps the `sefvoice` command makes read their settings from the environment, and on
    PostgreSQL refuse to start without a secret key."""
    monkeypatch.setenv("SEFVOICE_SECRET_KEY", "test-secret")


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = os.environ["SEFVOICE_TEST_DATABASE_URL"]
        reset_postgresql(url)
    app = make_app(url, CHECK_MIGRATED=False)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def definitions() -> list:
    """The shipped surveys and the test survey, parsed once (without the slow easy-read check)."""
    charter = load_charter(EASYREAD)
    paths = [*survey_files(EASYREAD), FIXTURES / "easyread" / "all-types.yaml"]
    return [load_survey_file(path, charter, STATIC) for path in paths]


@contextmanager
def app_with_surveys(database_url: str, definitions: list) -> Iterator:
    """An app on the test database with the surveys stored; every table emptied after."""
    app = make_app(database_url)
    with app.app_context():
        survey_versions.store_definitions(definitions)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


@pytest.fixture
def app(database_url, definitions):
    with app_with_surveys(database_url, definitions) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, token_from: str | None = None):
    """POST like a browser does: with the CSRF token from the page the form is on."""
    return client.post(url, data={"csrf_token": csrf_token(client, token_from or url), **data})


PASSWORD = "correct horse battery"


def sign_in(client, role: str, email: str | None = None):
    """Make an account with `role` and sign the client in as it. Returns the User."""
    from sefvoice.auth import service as auth_service

    email = email or f"{role}-{os.urandom(4).hex()}@example.org"
    with client.application.app_context():
        user = auth_service.create_user(email, PASSWORD, role)
    reply = post_form(client, "/sign-in", {"email": email, "password": PASSWORD})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:300]
    return user


def job_result(client, started):
    """Follow a reply that started a job (which ran in the request: JOBS_IMMEDIATE) to the
    job's progress page, and download what it made from there."""
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    progress = started.headers["Location"]
    assert re.search(r"/jobs/\d+$", progress), progress
    page = client.get(progress).get_data(as_text=True)
    assert "Finished." in page and f'href="{progress}/result"' in page, page[:2000]
    return client.get(f"{progress}/result")
