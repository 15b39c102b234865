"""What lets several app servers share the work: uploads waiting for a confirm live in the
database, and the secret key is the same everywhere (tests/test_multihost.py runs the
servers)."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from sefvoice import config as settings
from sefvoice import create_app, uploads
from sefvoice.auth import service as auth_service
from sefvoice.extensions import db
from sefvoice.models import PendingUpload, PendingUploadFile

from .conftest import PASSWORD
from .test_database import at_once

FILES = {"file": b"code,name\n", "measures": b"column,code\n"}


@pytest.fixture
def officers(ctx) -> tuple[int, int]:
    return tuple(
        auth_service.create_user(f"officer-{n}@example.org", PASSWORD, "officer").id for n in (1, 2)
    )


def waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(PendingUpload))


def test_an_upload_is_handed_back_once_to_its_owner(officers):
    owner, someone_else = officers
    token = uploads.keep("indicators", owner, {"file_name": "m.csv"}, FILES)
    assert uploads.take(token, "indicators", someone_else) is None
    assert uploads.take(token, "surveys", owner) is None
    assert uploads.take(None, "indicators", owner) is None
    found = uploads.take(token, "indicators", owner)
    assert found == uploads.Waiting({"file_name": "m.csv"}, FILES)
    db.session.commit()
    assert uploads.take(token, "indicators", owner) is None
    assert waiting() == 0
    assert db.session.scalar(select(func.count()).select_from(PendingUploadFile)) == 0


def test_a_take_rolled_back_leaves_the_upload_waiting(officers):
    owner, _ = officers
    token = uploads.keep("indicators", owner, {}, FILES)
    assert uploads.take(token, "indicators", owner) is not None
    db.session.rollback()  # say the import failed: the officer may confirm again
    assert uploads.take(token, "indicators", owner) is not None


def test_an_expired_upload_is_not_handed_back_and_is_deleted(officers):
    owner, _ = officers
    token = uploads.keep("indicators", owner, {}, FILES, kept_for=-uploads.KEPT_FOR)
    assert uploads.take(token, "indicators", owner) is None
    db.session.rollback()
    assert uploads.forget_expired() == 1
    assert waiting() == 0


def test_two_confirms_at_once_take_the_upload_once(app, officers):
    """A double click whose two sends reach two servers must import the file once."""
    owner, _ = officers
    for _round in range(5):
        token = uploads.keep("indicators", owner, {}, FILES)
        taken: list[uploads.Waiting | None] = []

        def confirm(token: str = token, taken: list = taken) -> None:
            taken.append(uploads.take(token, "indicators", owner))
            db.session.commit()

        at_once(app, partial(confirm), partial(confirm))
        assert sorted(found is not None for found in taken) == [False, True]


def test_postgresql_needs_the_secret_key_set(monkeypatch):
    monkeypatch.delenv("SEFVOICE_SECRET_KEY")
    with pytest.raises(settings.SettingError, match="set SEFVOICE_SECRET_KEY"):
        # Refused before any connection is tried: nothing listens on port 1.
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://sefvoice@127.0.0.1:1/x"})


def test_sqlite_keeps_a_key_in_the_instance_folder_when_none_is_set(monkeypatch, tmp_path):
    """The demo runs with no settings at all, and its sessions survive a restart."""
    monkeypatch.delenv("SEFVOICE_SECRET_KEY")
    monkeypatch.setattr(settings, "INSTANCE_DIR", tmp_path / "instance")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    keys = [
        create_app({"SQLALCHEMY_DATABASE_URI": url, "CHECK_MIGRATED": False}).secret_key
        for _start in range(2)
    ]
    key_file = tmp_path / "instance" / "secret-key"
    assert keys[0] == keys[1] == key_file.read_text() and len(keys[0]) == 64
    assert key_file.stat().st_mode & 0o777 == 0o600
