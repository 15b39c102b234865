"""Server-side staff sessions: a copied cookie is worthless after sign-out; sessions end when
idle or too old; admins disable accounts and give temporary passwords; staff change their
own. Everything is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from sefvoice.auth import service as auth_service
from sefvoice.extensions import db
from sefvoice.models import AuditEvent, StaffSession, Survey, User, utcnow

from .conftest import PASSWORD, post_form, sign_in

QUEUE = "/feedback/comments"  # the moderation queue: unredacted comments


def copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value, domain=cookie.domain)


def signed_in(client) -> bool:
    return client.get(QUEUE).status_code == 200


def actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def test_a_copied_cookie_is_worthless_after_sign_out(app, client):
    sign_in(client, "officer")
    thief = app.test_client()
    copy_cookie(client, thief)
    assert signed_in(thief)
    post_form(client, "/sign-out", {}, token_from="/")
    assert not signed_in(client)
    reply = thief.get(QUEUE)
    assert reply.status_code == 302 and "/sign-in" in reply.location


def age_sessions(app, **change) -> None:
    with app.app_context():
        db.session.execute(update(StaffSession).values(**change))
        db.session.commit()


def test_a_session_ends_after_30_minutes_idle(app, client):
    sign_in(client, "officer", "idle@example.org")
    age_sessions(app, last_seen_at=utcnow() - timedelta(minutes=29))
    assert signed_in(client)  # and that request counts as use
    age_sessions(app, last_seen_at=utcnow() - timedelta(minutes=31))
    assert not signed_in(client)
    assert ("session ended", "idle") in actions(app)


def test_a_session_ends_12_hours_after_sign_in_however_busy(app, client):
    sign_in(client, "officer")
    age_sessions(app, started_at=utcnow() - timedelta(hours=12, minutes=1))
    assert not signed_in(client)
    assert ("session ended", "too long") in actions(app)


def test_the_limits_are_settings(app, client):
    app.config["STAFF_IDLE_MINUTES"] = 5
    sign_in(client, "officer")
    age_sessions(app, last_seen_at=utcnow() - timedelta(minutes=6))
    assert not signed_in(client)


@pytest.fixture
def admin(app):
    client = app.test_client()
    sign_in(client, "admin", "boss@example.org")
    return client


def account_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).filter_by(email=email))


def account_action(admin, user_id: int, action: str):
    return post_form(admin, f"/admin/users/{user_id}/{action}", {}, f"/admin/users/{user_id}")


def test_an_admin_disables_and_enables_an_account(app, client, admin):
    sign_in(client, "officer", "leaver@example.org")
    user_id = account_id(app, "leaver@example.org")
    assert account_action(admin, user_id, "disable").status_code == 302
    assert not signed_in(client)  # ended at once, not at the next sign-in
    again = post_form(client, "/sign-in", {"email": "leaver@example.org", "password": PASSWORD})
    assert again.status_code == 400
    assert "Disabled" in admin.get("/admin/users").text
    assert account_action(admin, user_id, "enable").status_code == 302
    again = post_form(client, "/sign-in", {"email": "leaver@example.org", "password": PASSWORD})
    assert again.status_code == 302
    assert ("disable account", "leaver@example.org") in actions(app)
    assert ("enable account", "leaver@example.org") in actions(app)


def test_an_admin_cannot_disable_themselves(app, admin):
    assert account_action(admin, account_id(app, "boss@example.org"), "disable").status_code == 400


def change(client, current: str, new: str, repeat: str | None = None):
    return post_form(
        client,
        "/account/password",
        {"current": current, "new": new, "repeat": new if repeat is None else repeat},
    )


def test_staff_change_their_own_password(app, client):
    sign_in(client, "pcv_rep", "rep@example.org")
    elsewhere = app.test_client()
    post_form(elsewhere, "/sign-in", {"email": "rep@example.org", "password": PASSWORD})
    assert signed_in_as_rep(elsewhere)
    wrong = change(client, "not my password", "a brand new password")
    assert wrong.status_code == 400 and "Your current password is not right" in wrong.text
    assert change(client, PASSWORD, "short").status_code == 400
    assert change(client, PASSWORD, "a brand new password", "another").status_code == 400
    assert change(client, PASSWORD, "a brand new password").status_code == 302
    assert signed_in_as_rep(client)  # this browser carries on
    assert not signed_in_as_rep(elsewhere)  # every other one is signed out
    fresh = app.test_client()
    reply = post_form(fresh, "/sign-in", {"email": "rep@example.org", "password": PASSWORD})
    assert reply.status_code == 400
    reply = post_form(
        fresh, "/sign-in", {"email": "rep@example.org", "password": "a brand new password"}
    )
    assert reply.status_code == 302
    assert ("change own password", "") in actions(app)


def signed_in_as_rep(client) -> bool:
    return client.get("/feedback/").status_code == 200


def test_an_admin_gives_a_temporary_password_that_must_be_changed(app, client, admin):
    sign_in(client, "officer", "forgot@example.org")
    user_id = account_id(app, "forgot@example.org")
    reply = account_action(admin, user_id, "reset-password")
    assert reply.status_code == 200
    temporary = reply.text.split('<code class="temporary-password">')[1].split("</code>")[0]
    assert len(temporary) >= auth_service.MIN_PASSWORD_LENGTH
    assert temporary not in str(admin.get_cookie("session").value)
    assert not signed_in(client)  # the old session ends
    reply = post_form(
        client, "/sign-in?next=/feedback/", {"email": "forgot@example.org", "password": temporary}
    )
    assert reply.status_code == 302 and reply.location == "/account/password"
    blocked = client.get(QUEUE)  # nothing else until it is changed
    assert blocked.status_code == 302 and blocked.location == "/account/password"
    assert change(client, temporary, "my own new password").status_code == 302
    assert signed_in(client)
    assert ("reset password", "forgot@example.org") in actions(app)


def test_the_csrf_token_from_before_sign_in_is_refused_after_it(app, client):
    """A token planted in (or read from) the browser before sign-in must not work after it."""
    from .conftest import csrf_token

    planted = csrf_token(client, "/sign-in")
    sign_in(client, "officer")
    reply = client.post("/surveys/manage/all-types/close", data={"csrf_token": planted})
    assert reply.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Survey.is_open).filter_by(slug="all-types"))
    assert post_form(client, "/surveys/manage/all-types/close", {}, "/surveys/manage/all-types")


def test_signing_in_again_ends_the_session_before_it(app, client):
    sign_in(client, "officer")
    thief = app.test_client()
    copy_cookie(client, thief)
    assert signed_in(thief)
    sign_in(client, "officer", "again@example.org")
    assert signed_in(client) and not signed_in(thief)
    assert ("sign in", "") in actions(app)


@pytest.mark.parametrize("password", [" " * 12, " " * 30, "\t" * 12, "  short  \n    "])
def test_a_password_of_spaces_is_refused(ctx, password):
    with pytest.raises(auth_service.AccountError, match="not counting spaces"):
        auth_service.create_user("spaces@example.org", password, "officer")
    assert db.session.scalar(select(User).filter_by(email="spaces@example.org")) is None
