"""Sign-in, sign-out, passwords and the admin's staff accounts."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as HttpResponse

from ..models.demo import DEMO_ACCOUNTS, is_demo_database
from ..ratelimits import limited
from ..security import same_site_path
from ..surveys import codes, retention
from ..surveys.forms import ResumeForm
from . import audit, service, sessions, throttle
from .forms import AccountActionForm, AddUserForm, ChangePasswordForm, SignInForm
from .roles import ROLE_NAMES, role_required

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = (
    "The e-mail or password is not right, or sign-in is locked for a while after 5 wrong"
    " tries. An admin can unlock it."
)


@bp.route("/sign-in", methods=["GET", "POST"])
@limited("SIGN_IN_LIMIT")
def sign_in() -> str | HttpResponse:
    form = SignInForm()
    if form.validate_on_submit():
        result = service.authenticate(
            form.email.data, form.password.data, request.remote_addr or ""
        )
        for what in result.locked:
            audit.record("sign-in locked", what, actor="sign-in")
        if result.user is not None:
            # A new session: the one before it ends, and nothing set before sign-in (a CSRF
            # token planted in the browser, say) carries over.
            sessions.end(session.get("staff_session"), "signed in again")
            session.clear()
            session["staff_session"] = sessions.start(result.user)
            login_user(result.user)
            audit.record("sign in")
            if result.user.must_change_password:
                return redirect(url_for(".change_password"))
            return redirect(same_site_path(request.args.get("next")) or url_for("surveys.index"))
        form.email.errors.append(SIGN_IN_FAILED)
    status = 400 if form.errors else 200
    demo_sign_ins = [(email, ROLE_NAMES[role]) for email, role in DEMO_ACCOUNTS]
    return render_template(
        "auth/sign_in.html", form=form, demo_sign_ins=demo_sign_ins if is_demo_database() else []
    ), status


@bp.post("/sign-out")
def sign_out() -> HttpResponse:
    if current_user.is_authenticated:
        audit.record("sign out")
        logout_user()
    sessions.end(session.pop("staff_session", None), "signed out")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@limited("SIGN_IN_LIMIT")
@role_required("pcv_rep")
def change_password() -> str | HttpResponse:
    """Staff change their own password (the current one is asked); other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_own_password(
                current_user, form.current.data, form.new.data, session.get("staff_session")
            )
        except service.AccountError as error:
            field = form.current if "current" in str(error) else form.new
            field.errors.append(str(error))
        else:
            audit.record("change own password")
            flash("Your password is changed. Any other browser signed in as you is signed out.")
            return redirect(url_for("surveys.index"))
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required("admin")
def users() -> str | HttpResponse:
    form = AddUserForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(form.email.data, form.password.data, form.role.data)
        except service.AccountError as error:
            form.email.errors.append(str(error))
        else:
            audit.record("add user", f"{user.email} as {user.role}")
            flash(f"Account added for {user.email}.")
            return redirect(url_for(".users"))
    status = 400 if form.errors else 200
    return render_template(
        "auth/users.html",
        form=form,
        users=service.users(),
        locked=throttle.locked_accounts(),
        role_names=ROLE_NAMES,
    ), status


def _account(user_id: int):
    return service.user_by_id(user_id) or abort(404)


@bp.get("/admin/users/<int:user_id>")
@role_required("admin")
def account(user_id: int) -> str:
    user = _account(user_id)
    return render_template(
        "auth/account.html",
        user=user,
        locked=user.id in throttle.locked_accounts(),
        role_names=ROLE_NAMES,
        form=AccountActionForm(),
    )


@bp.post("/admin/users/<int:user_id>/<action>")
@role_required("admin")
def account_action(user_id: int, action: str) -> str | HttpResponse:
    """Disable, enable, unlock, or give a temporary password; each is audited."""
    user = _account(user_id)
    if action == "disable":
        if user.id == current_user.id:
            abort(400, description="You cannot disable your own account.")
        service.set_disabled(user, True)
        flash(f"{user.email} is disabled and signed out everywhere.")
    elif action == "enable":
        service.set_disabled(user, False)
        flash(f"{user.email} can sign in again.")
    elif action == "unlock":
        throttle.unlock(user.id)
        flash(f"{user.email} can try to sign in again from every address.")
    elif action == "reset-password":
        temporary = service.reset_password(user)
        audit.record("reset password", user.email)
        # Shown once, on this page, never put in a cookie or the log.
        return render_template("auth/temporary_password.html", user=user, password=temporary)
    else:
        abort(404)
    audit.record(f"{action} account", user.email)
    return redirect(url_for(".account", user_id=user.id))


@bp.route("/admin/response-record", methods=["GET", "POST"])
@role_required("admin")
def response_record() -> str | HttpResponse:
    """Everything held about one response, for a subject access request (by its code)."""
    form = ResumeForm()
    if form.validate_on_submit():
        response = codes.find_response(form.code.data)
        if response is None:
            form.code.errors.append("No response has that code.")
        else:
            audit.record("export response record", f"response {response.id}")
            return HttpResponse(
                json.dumps(retention.response_record(response), indent=2),
                mimetype="application/json",
                headers={"Content-Disposition": 'attachment; filename="response-record.json"'},
            )
    status = 400 if form.errors else 200
    return render_template("auth/response_record.html", form=form), status
