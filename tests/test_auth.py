"""Sign-in, roles, lockout and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from sefvoice.auth import service as auth_service
from sefvoice.extensions import db
from sefvoice.models import AuditEvent, SignInThrottle, User, utcnow

from .conftest import CSRF_PATTERN, PASSWORD, post_form, sign_in


def attempt(client, email: str, password: str):
    return post_form(client, "/sign-in", {"email": email, "password": password})


@pytest.fixture
def officer(app):
    with app.app_context():
        return auth_service.create_user("Officer@Example.org ", PASSWORD, "officer").email


def test_sign_in_and_out(app, client, officer):
    reply = attempt(client, "officer@example.org", PASSWORD)
    assert reply.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)
    post_form(client, "/sign-out", {}, token_from="/")
    assert "Sign out" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["sign in", "sign out"]


def test_wrong_password_and_unknown_email_get_the_same_answer(client, officer):
    wrong_password = attempt(client, officer, "not the password")
    unknown_email = attempt(client, "nobody@example.org", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 400

    def page(reply) -> str:  # CSRF tokens carry a timestamp, so they may differ
        return CSRF_PATTERN.sub("", reply.get_data(as_text=True))

    assert page(wrong_password) == page(unknown_email).replace("nobody@example.org", officer)


def test_lockout_after_five_failures(app, client, officer):
    for _ in range(5):
        assert attempt(client, officer, "wrong password!").status_code == 400
    assert attempt(client, officer, PASSWORD).status_code == 400  # locked, even with it right
    with app.app_context():
        db.session.execute(
            update(SignInThrottle).values(locked_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        locks = list(
            db.session.scalars(select(AuditEvent.detail).filter_by(action="sign-in locked"))
        )
    assert locks == [f"{officer} from one address for 15 minutes"]
    assert attempt(client, officer, PASSWORD).status_code == 302


def test_next_only_goes_to_this_site(client, officer):
    reply = post_form(
        client, "/sign-in?next=//evil.example/", {"email": officer, "password": PASSWORD}
    )
    assert reply.location == "/"


@pytest.mark.parametrize(("role", "status"), [("pcv_rep", 403), ("officer", 403), ("admin", 200)])
def test_user_admin_needs_the_admin_role(client, role, status):
    sign_in(client, role)
    assert client.get("/admin/users").status_code == status


def test_signed_out_goes_to_sign_in(client):
    reply = client.get("/admin/users")
    assert reply.status_code == 302 and "/sign-in?next=" in reply.location


def test_admin_adds_an_account_and_it_is_audited(app, client):
    sign_in(client, "admin", "boss@example.org")
    reply = post_form(
        client,
        "/admin/users",
        {"email": "rep@example.org", "password": "a long enough password", "role": "pcv_rep"},
    )
    assert reply.status_code == 302
    assert "rep@example.org" in client.get("/admin/users").get_data(as_text=True)
    short = post_form(
        client, "/admin/users", {"email": "x@example.org", "password": "short", "role": "officer"}
    )
    assert short.status_code == 400
    assert "at least 12 characters" in short.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="add user"))
        assert (event.actor, event.detail) == ("boss@example.org", "rep@example.org as pcv_rep")


def test_users_add_command(app, database_url, monkeypatch):
    from sefvoice.cli import main

    monkeypatch.setenv("SEFVOICE_DATABASE_URL", database_url)
    runner = CliRunner()
    added = runner.invoke(
        main, ["users", "add", "cli@example.org", "--role", "officer", "--password", PASSWORD]
    )
    assert added.exit_code == 0, added.output
    again = runner.invoke(
        main, ["users", "add", "cli@example.org", "--role", "officer", "--password", PASSWORD]
    )
    assert again.exit_code == 1 and "already an account" in again.output
    with app.app_context():
        assert db.session.scalar(select(User.role).filter_by(email="cli@example.org")) == "officer"
