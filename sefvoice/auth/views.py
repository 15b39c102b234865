"""Sign-in, sign-out and the admin's list of staff accounts."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as HttpResponse

from ..extensions import limit, limiter
from ..security import same_site_path
from ..surveys import service as survey_service
from ..surveys.forms import ResumeForm
from . import audit, service
from .forms import AddUserForm, SignInForm
from .roles import ROLE_NAMES, role_required

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = (
    "The e-mail or password is not right, or the account is locked for 15 minutes"
    " after 5 wrong tries."
)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: limit("SIGN_IN_LIMIT"), methods=["POST"])
def sign_in() -> str | HttpResponse:
    form = SignInForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            audit.record("sign in")
            return redirect(same_site_path(request.args.get("next")) or url_for("surveys.index"))
        form.email.errors.append(SIGN_IN_FAILED)
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out() -> HttpResponse:
    if current_user.is_authenticated:
        audit.record("sign out")
        logout_user()
    return redirect(url_for("auth.sign_in"))


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
        "auth/users.html", form=form, users=service.users(), role_names=ROLE_NAMES
    ), status


@bp.route("/admin/response-record", methods=["GET", "POST"])
@role_required("admin")
def response_record() -> str | HttpResponse:
    """Everything held about one response, for a subject access request (by its code)."""
    form = ResumeForm()
    if form.validate_on_submit():
        response = survey_service.find_response(form.code.data)
        if response is None:
            form.code.errors.append("No response has that code.")
        else:
            audit.record("export response record", f"response {response.id}")
            return HttpResponse(
                json.dumps(survey_service.response_record(response), indent=2),
                mimetype="application/json",
                headers={"Content-Disposition": 'attachment; filename="response-record.json"'},
            )
    status = 400 if form.errors else 200
    return render_template("auth/response_record.html", form=form), status
