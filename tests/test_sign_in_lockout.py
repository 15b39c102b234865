"""The sign-in lockout holds against a determined attacker: tries are counted atomically in the
database (threads race it on SQLite and PostgreSQL), every failure costs one password hash,
a stranger's tries lock only the stranger's address, locks back off exponentially, and an
admin can unlock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from sefvoice.auth import service as auth_service
from sefvoice.auth import throttle
from sefvoice.extensions import db
from sefvoice.models import AuditEvent, utcnow

from .conftest import PASSWORD, csrf_token, post_form, sign_in

STRANGER, STAFF = "203.0.113.9", "198.51.100.7"


@pytest.fixture
def officer(app):
    app.config["SIGN_IN_LIMIT"] = "100000 per minute"
    with app.app_context():
        return auth_service.create_user("officer@example.org", PASSWORD, "officer").email


def attempt(client, email: str, password: str, address: str = STRANGER):
    return client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client, "/sign-in"), "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_parallel_tries_are_each_counted(app, officer):
    """Twenty wrong passwords at once: every one is counted, so the account is locked and
    the right password after them is refused."""
    clients = [app.test_client() for _ in range(20)]
    tokens = [csrf_token(c, "/sign-in") for c in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def wrong(client, token):
        start.wait()
        reply = client.post(
            "/sign-in",
            data={"csrf_token": token, "email": officer, "password": "not the password"},
            environ_base={"REMOTE_ADDR": STRANGER},
        )
        statuses.append(reply.status_code)

    threads = [
        threading.Thread(target=wrong, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [400] * 20
    assert attempt(app.test_client(), officer, PASSWORD).status_code == 400


def test_count_try_loses_no_update_under_threads(app):
    """The counter itself, raced on the database: the tries get the numbers 1 to N."""
    now, numbers, start = utcnow(), [], threading.Barrier(12)

    def count():
        with app.app_context():
            start.wait()
            verdict = throttle.count_try("x@example.org", STRANGER, None, now)
            numbers.append(verdict.counters[0].tries)
            db.session.remove()

    threads = [threading.Thread(target=count) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 13))


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes each request runs."""
    calls = []
    real = auth_service.check_password_hash

    def counted(hashed, password):
        calls.append(password)
        return real(hashed, password)

    monkeypatch.setattr(auth_service, "check_password_hash", counted)
    return calls


def test_every_failure_runs_one_password_hash(app, client, officer, hashes):
    """Unknown e-mail, wrong password, locked, disabled: the same work, so the same time."""
    for _ in range(5):
        attempt(client, officer, "wrong password!")
    cases = {
        "unknown e-mail": ("nobody@example.org", PASSWORD),
        "wrong password": (officer, "wrong password!"),
        "locked": (officer, PASSWORD),
    }
    for case, (email, password) in cases.items():
        hashes.clear()
        assert attempt(client, email, password).status_code == 400, case
        assert len(hashes) == 1, case
    with app.app_context():
        user = auth_service.user_by_id(db.session.scalar(select(auth_service.User.id)))
        auth_service.set_disabled(user, True)
    hashes.clear()
    assert attempt(client, officer, PASSWORD, address=STAFF).status_code == 400
    assert len(hashes) == 1


def test_a_stranger_cannot_lock_staff_out(client, officer):
    for _ in range(12):
        attempt(client, officer, "guess guess guess")
    assert attempt(client, officer, PASSWORD).status_code == 400  # locked from there
    assert attempt(client, officer, PASSWORD, address=STAFF).status_code == 302


def test_one_address_trying_many_e_mails_is_locked(client, officer):
    for n in range(throttle.MAX_ADDRESS_TRIES):
        attempt(client, f"guess{n}@example.org", "guess guess guess")
    assert attempt(client, officer, PASSWORD).status_code == 400
    assert attempt(client, officer, PASSWORD, address=STAFF).status_code == 302


def test_locks_back_off_exponentially(ctx):
    auth_service.create_user("backoff@example.org", PASSWORD, "officer")
    now, lengths = utcnow(), []
    for _ in range(4):
        for _ in range(throttle.MAX_TRIES):
            result = auth_service.authenticate("backoff@example.org", "wrong!", STRANGER, now)
        [what] = result.locked
        lengths.append(what.rsplit(" for ", 1)[1])
        # Locked now, even with the right password...
        assert (
            auth_service.authenticate("backoff@example.org", PASSWORD, STRANGER, now).user is None
        )
        now += timedelta(days=1, seconds=1)  # ...until the lock and the window have passed
    assert lengths == ["15 minutes", "30 minutes", "60 minutes", "120 minutes"]
    assert auth_service.authenticate("backoff@example.org", PASSWORD, STRANGER, now).user


def test_an_admin_unlocks_an_account(app, client, officer):
    stranger = app.test_client()
    for _ in range(5):
        attempt(stranger, officer, "wrong password!")
    admin = app.test_client()
    sign_in(admin, "admin", "boss@example.org")
    with app.app_context():
        user_id = db.session.scalar(select(auth_service.User.id).filter_by(email=officer))
    assert "Locked" in admin.get("/admin/users").text
    reply = post_form(admin, f"/admin/users/{user_id}/unlock", {}, f"/admin/users/{user_id}")
    assert reply.status_code == 302
    assert attempt(stranger, officer, PASSWORD).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="unlock account"))
        assert (event.actor, event.detail) == ("boss@example.org", officer)


def test_an_admin_unlock_clears_the_shared_address_the_account_was_tried_from(app, officer):
    """Someone in a shared office tries 20 e-mails: the office's address is locked. The
    officer there is refused, the admin sees the account as locked, and after the admin's
    unlock the officer's right password works from that address."""
    office = app.test_client()
    for n in range(throttle.MAX_ADDRESS_TRIES):
        attempt(office, f"guess{n}@example.org", "guess guess guess", address=STAFF)
    assert attempt(office, officer, PASSWORD, address=STAFF).status_code == 400
    admin = app.test_client()
    sign_in(admin, "admin", "boss@example.org")
    with app.app_context():
        user_id = db.session.scalar(select(auth_service.User.id).filter_by(email=officer))
        assert user_id in throttle.locked_accounts()
    reply = post_form(admin, f"/admin/users/{user_id}/unlock", {}, f"/admin/users/{user_id}")
    assert reply.status_code == 302
    assert attempt(office, officer, PASSWORD, address=STAFF).status_code == 302
    with app.app_context():
        assert user_id not in throttle.locked_accounts()
