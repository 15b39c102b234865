"""Survey-taking pages: public, no sign-in. Thin views over the surveys package's functions."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache, partial, wraps
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as HttpResponse

from ..database import close_after_the_page
from ..definitions import Question, SurveyDefinition, load_glossary, routing
from ..extensions import db
from ..models import utcnow
from ..ratelimits import limited, remote_address
from ..security import same_site_path
from ..urls import fixed_url
from . import codes, retention
from . import held as held_responses
from . import versions as survey_versions
from .forms import (
    FilledByForm,
    ResumeForm,
    WithdrawForm,
    answer_from_form,
    choices,
    question_form,
)

bp = Blueprint("surveys", __name__)
# Question pages made once and shown to everyone who asks for the same one (shown_afresh).
SHOWN_AFRESH = "sefvoice_question_pages"
SHOWN_AFRESH_MAX = 2048
TOKEN_STAND_IN = f"csrf-token-{secrets.token_hex(16)}"  # where each person's token goes
bp.record_once(lambda state: state.app.extensions.setdefault(SHOWN_AFRESH, {}))


def wants_large_display() -> bool:
    """Bigger text and stronger colours, chosen with the header's button (display)."""
    return request.cookies.get("display") == "large"


@bp.app_template_global()
def survey_url(page: str, **values) -> str:
    """The address of a survey page: the respondent's, or while an officer previews a
    version (g.preview, set by the manage blueprint) the same page in the preview."""
    preview = g.get("preview")
    if preview is not None:
        return url_for(f"manage.preview_{page}", version=preview.version, **values)
    return fixed_url(f"surveys.{page}", **values)


# The form on a survey page that "Bigger text" carries over (base.html), and the button's name.
CARRIED_FORM = "answer-form"


def carried_over() -> bool:
    """Whether this is a page's form sent on by the display switch: shown again as it was,
    neither checked nor saved."""
    return request.method == "POST" and "carry" in request.form


def _abort_unless_open(is_open: bool | None) -> None:
    """A 404 page for an unknown survey (None), a 410 for a closed one."""
    if is_open is None:
        abort(404)
    if not is_open:
        abort(410, description="closed")


def _remember(
    slug: str, response_id: int, token: str, survey_id: int, code: str | None = None
) -> None:
    """The session holds the response's id, its holder's token and the survey version it
    answers (which never changes, so a save need not read it). A new code is kept only
    until the questions begin, so that the code page can show it (again after "Bigger text")."""
    held = {"id": response_id, "token": token, "survey": survey_id}
    if code:
        held["code"] = code
    session.setdefault("responses", {})[slug] = held
    session.modified = True


def _held(slug: str) -> dict:
    """What this browser's session holds for the survey (_remember), or nothing."""
    return session.get("responses", {}).get(slug) or {}


def _held_response(
    slug: str, answer_to: str | None = None
) -> tuple[held_responses.HeldResponse | None, bool | None]:
    """The response this browser's session holds for the survey (with its saved answer to
    the question `answer_to`), and whether the survey is open."""
    held = _held(slug)
    return held_responses.held_response(slug, held.get("id"), held.get("token"), answer_to)


def _forget_code(slug: str) -> None:
    """The new response's code leaves the session once the questions begin."""
    if "code" in _held(slug):
        del session["responses"][slug]["code"]
        session.modified = True


def _current_response(
    slug: str, keep_code: bool = False, answer_to: str | None = None
) -> tuple[held_responses.HeldResponse, SurveyDefinition]:
    """The response this browser is filling in for the survey, checked for state. The new
    response's code leaves the session here, unless this is the code page."""
    if not keep_code:
        _forget_code(slug)
    response, is_open = _held_response(slug, answer_to)
    _abort_unless_open(is_open)
    if response is None or response.survey.slug != slug:
        abort(redirect(url_for(".start", slug=slug)))
    if response.submitted_at is not None:
        abort(redirect(url_for(".done", slug=slug)))
    if held_responses.is_expired(response, current_app.config["UNFINISHED_RESPONSE_DAYS"]):
        abort(410, description="expired")
    return response, survey_versions.definition_of(response.survey)


def _held_survey(slug: str) -> survey_versions.SurveyVersion:
    """The survey version of the response this browser holds, to check an answer against
    before it is saved: from the session, where starting and resuming put it, or read with
    the response (a session from before it was kept there), with _current_response's checks."""
    held = _held(slug)
    survey = survey_versions.survey_version(held["survey"]) if "survey" in held else None
    if survey is None or survey.slug != slug:
        survey = _current_response(slug)[0].survey
    return survey


def _save(slug: str, survey: survey_versions.SurveyVersion, question: Question, **answer) -> None:
    """Save an answer to the response this browser holds (held_responses.save_held_answer). When it
    may not be saved to, the checks of _current_response, one by one, give the page that says
    why; if they pass, what refused the save changed between the two (a survey opening at
    that moment, say), so it is tried once more."""
    held = _held(slug)
    keep_days = current_app.config["UNFINISHED_RESPONSE_DAYS"]
    save = partial(
        held_responses.save_held_answer, held.get("id"), held.get("token"), survey, keep_days
    )
    if not save(question, **answer):
        _current_response(slug)
        if not save(question, **answer):
            abort(400)


def on_own_connection(view: Callable) -> Callable:
    """Run a survey page on its own Core connection (statements.connection), not the ORM
    session's, and close it when the page is made (closing rolls back anything not committed;
    a connection lost by then does not stop the page: database.close_after_the_page).

    A page shown (GET) only reads, so on PostgreSQL its connection runs in autocommit: no
    BEGIN and ROLLBACK round trips around the reads. In READ COMMITTED each statement sees its
    own snapshot either way. Not on SQLite, whose driver begins no transaction for reads."""

    @wraps(view)
    def on_connection(*args, **kwargs):
        connection = db.engine.connect()
        if request.method == "GET" and connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        g.survey_connection = connection
        try:
            return view(*args, **kwargs)
        finally:
            del g.survey_connection
            close_after_the_page(connection, current_app.logger)

    return on_connection


@lru_cache(maxsize=4)
def _glossary(easyread_dir: str) -> dict[str, str]:
    return load_glossary(Path(easyread_dir))


@bp.app_template_global()
def meanings_of(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each word a question explains with the glossary's easy-read meaning of it."""
    glossary = _glossary(current_app.config["EASYREAD_DIR"])
    return [(word, glossary[word]) for word in words if word in glossary]


bp.add_app_template_global(routing.condition_words)


@bp.get("/")
def index() -> str:
    now = utcnow()
    surveys = [
        survey_versions.definition_of(s)
        for s in survey_versions.current_surveys()
        if s.takes_answers(now)
    ]
    return render_template("surveys/index.html", surveys=surveys)


@bp.route("/s/<slug>", methods=["GET", "POST"])
@limited("START_LIMIT")
@on_own_connection
def start(slug: str) -> str | HttpResponse:
    survey, is_open = survey_versions.newest_version(slug)
    _abort_unless_open(is_open)
    definition = survey_versions.definition_of(survey)

    def start_page(form: FilledByForm, **context) -> tuple[str, int]:
        status = 400 if form.errors else 200
        page = render_template(
            "surveys/start.html",
            definition=definition,
            form=form,
            carry_form=CARRIED_FORM,
            **context,
        )
        return page, status

    if request.method == "GET":
        # Everyone arriving sees the same page: a launch's first minutes are its busiest.
        def blank_page(**context) -> tuple[str, int]:
            return start_page(_filled_by_form(definition), **context)

        return shown_afresh(survey, blank_page)
    form = _filled_by_form(definition)
    if carried_over():
        return start_page(form)
    if form.validate_on_submit():
        token = held_responses.new_token()
        response_id, code = held_responses.start_response(survey, form.filled_by.data, token)
        _remember(slug, response_id, token, survey.id, code)
        return redirect(url_for(".code", slug=slug))
    return start_page(form)


def _filled_by_form(definition: SurveyDefinition) -> FilledByForm:
    form = FilledByForm()
    form.filled_by.choices = choices(definition.filled_by)
    return form


@bp.get("/s/<slug>/code")
@on_own_connection
def code(slug: str) -> str:
    response, definition = _current_response(slug, keep_code=True)
    code = session["responses"][slug].get("code")
    next_question = held_responses.first_unanswered(
        definition, held_responses.answers_by_question(response.id)
    )
    return render_template(
        "surveys/code.html",
        definition=definition,
        code=codes.format_code(code) if code else None,
        next_question=next_question,
    )


@bp.post("/s/<slug>/new-code")
@limited("START_LIMIT")
@on_own_connection
def new_code(slug: str) -> str | HttpResponse:
    """A new code for the response this browser holds ("Stop for now", the thank-you page),
    shown on the page it was asked from and never kept in the session."""
    held = _held(slug)
    response, is_open = _held_response(slug)
    if is_open is None:
        abort(404)
    if response is None or response.survey.slug != slug:
        return redirect(url_for(".start", slug=slug))
    code = held_responses.replace_resume_code(held["id"], held["token"])
    if code is None:
        return redirect(url_for(".start", slug=slug))
    definition = survey_versions.definition_of(response.survey)
    shown = {"code": codes.format_code(code), "new_code": True}
    if response.submitted_at is not None:
        return render_template("surveys/done.html", definition=definition, **shown)
    answers = held_responses.answers_by_question(response.id)
    return render_template(
        "surveys/code.html",
        definition=definition,
        next_question=held_responses.first_unanswered(definition, answers),
        **shown,
    )


def _form_data_from_answer(question: Question, answer) -> dict:
    if answer is None or held_responses.is_skipped(answer):
        return {}
    if question.type == "multiple":
        return {"answer": answer.option_ids}
    if question.is_choice:
        return {"answer": answer.option_ids[0]}
    return {"answer": answer.number if question.type == "number" else answer.text}


def _respondent() -> str:
    """Rate-limit key for answers: the response being filled in, so a class sharing one
    address is not limited as one client; the address when there is none."""
    held = _held(request.view_args.get("slug", ""))
    return f"response-{held['id']}" if held else remote_address()


def page_after(
    definition: SurveyDefinition, question: Question, changing: bool, chosen: routing.Chosen
) -> str:
    """Where a question page goes once sent: the next question asked of this person (they
    chose `chosen`), or back to the check page. A change that brings in a question asked
    only after it goes on to that question."""
    if changing:
        following = routing.brought_in(definition, question, chosen)
    else:
        following = routing.next_question(definition, question, chosen)
    if following is None:
        return survey_url("check", slug=definition.slug)
    return survey_url("question", slug=definition.slug, question_id=following.id)


def question_page(
    definition: SurveyDefinition,
    question: Question,
    form,
    changing: bool,
    chosen: routing.Chosen | None = None,
    **context,
) -> tuple[str, int]:
    """A question page as a respondent sees it (the preview shows the same)."""
    previous = routing.previous_question(definition, question, chosen or {})
    if changing:
        back = survey_url("check", slug=definition.slug)
    elif previous is None:
        back = survey_url("code", slug=definition.slug)
    else:
        back = survey_url("question", slug=definition.slug, question_id=previous.id)
    status = 400 if form.errors else 200
    return render_template(
        "surveys/question.html",
        definition=definition,
        question=question,
        form=form,
        number=definition.index_of(question.id) + 1,
        total=len(definition.questions),
        back=back,
        changing=changing,
        carry_form=CARRIED_FORM,
        **context,
    ), status


def shown_afresh(
    survey: survey_versions.SurveyVersion, make_page: Callable[..., tuple[str, int]]
) -> tuple[str, int]:
    """A page of a survey version that is the same for every respondent who asks for it at
    its address but for its CSRF token: made once, with a stand-in for the token, and
    served with each person's own token put in. Making a question page cost a third of
    showing one (bench/pages.py); a thousand people answering the same survey ask for the
    same few dozen pages. `make_page(csrf_token=...)` renders it with that stand-in. The
    caller says when a page may be shared: never with a saved answer or errors on it. A
    signed-in staff member's page (it has the staff links) is made for them alone."""
    if current_user.is_authenticated:
        return make_page()
    pages = current_app.extensions[SHOWN_AFRESH]
    key = (survey, wants_large_display(), request.full_path)  # the path holds the question
    page, status = pages.get(key), 200
    if page is None:
        page, status = make_page(csrf_token=lambda: TOKEN_STAND_IN)
        if status == 200:
            if len(pages) >= SHOWN_AFRESH_MAX:  # only odd addresses get here: start again
                pages.clear()
            pages[key] = page
    return page.replace(TOKEN_STAND_IN, generate_csrf()), status


@bp.route("/s/<slug>/q/<question_id>", methods=["GET", "POST"])
@limited("ANSWER_LIMIT", key=_respondent)
@on_own_connection
def question(slug: str, question_id: str) -> str | HttpResponse:
    # A page shown afresh starts from the saved answer, read with the response; a page sent
    # back with an error shows what was sent (not the saved answer beside "Choose one answer").
    showing = request.method == "GET"
    if showing:
        response, definition = _current_response(slug, answer_to=question_id)
        survey, saved = response.survey, response.saved_answer
    else:
        _forget_code(slug)
        survey, saved = _held_survey(slug), None
        definition = survey_versions.definition_of(survey)
    question = definition.question(question_id)
    if question is None:
        abort(404)
    changing = request.args.get("change") == "1"
    # A survey that routes needs this person's answers: which questions they are asked.
    chosen = _chosen(slug) if routing.routes(definition) else {}
    if showing and not routing.applies(definition, question, chosen):
        return redirect(page_after(definition, question, changing, chosen))

    if not showing and carried_over():
        return question_page(definition, question, question_form(question), changing, chosen)
    if not showing and "skip" in request.form and question.optional:
        _save(slug, survey, question)  # CSRFProtect has checked the token
        return redirect(page_after(definition, question, changing, chosen))

    if showing and saved is None and not chosen:  # nothing of this person's is on the page

        def make_page(**context) -> tuple[str, int]:  # the blank form made only if the page is
            return question_page(definition, question, question_form(question), changing, **context)

        return shown_afresh(survey, make_page)
    form = question_form(question, data=_form_data_from_answer(question, saved))
    if form.validate_on_submit():
        answer = answer_from_form(question, form)
        _save(slug, survey, question, **answer)
        chosen = {**chosen, question.id: answer.get("option_ids") or []}
        return redirect(page_after(definition, question, changing, chosen))
    if not showing:
        _current_response(slug)  # its errors are shown only while the response takes answers
    return question_page(definition, question, form, changing, chosen)


def _chosen(slug: str) -> dict[str, list[str]]:
    """The options chosen so far in the response this browser holds (none: not held)."""
    held = _held(slug)
    if "id" not in held:
        return {}
    return held_responses.chosen(held_responses.answers_by_question(held["id"]))


@bp.route("/s/<slug>/check", methods=["GET", "POST"])
@on_own_connection
def check(slug: str) -> str | HttpResponse:
    response, definition = _current_response(slug)
    answers = held_responses.answers_by_question(response.id)
    missing = held_responses.missing_required(definition, answers)
    if request.method == "POST" and not missing:  # CSRFProtect has checked the token
        held_responses.drop_routed_out(response.id, definition, answers)
        secret = current_app.config["SECRET_KEY"]
        held_responses.submit_response(
            response.id, held_responses.source_hash(request.remote_addr, secret)
        )
        return redirect(url_for(".done", slug=slug))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "surveys/check.html",
        definition=definition,
        asked=routing.asked(definition, held_responses.chosen(answers)),
        answers=answers,
        missing=missing,
        is_skipped=held_responses.is_skipped,
    ), status


@bp.get("/s/<slug>/done")
@on_own_connection
def done(slug: str) -> str:
    response, is_open = _held_response(slug)
    if is_open is None:
        abort(404)
    if response is None or response.survey.slug != slug or response.submitted_at is None:
        return redirect(url_for(".start", slug=slug))
    return render_template(
        "surveys/done.html", definition=survey_versions.definition_of(response.survey)
    )


@bp.route("/resume", methods=["GET", "POST"])
@limited("RESUME_LIMIT")
def resume() -> str | HttpResponse:
    form = ResumeForm()
    if form.validate_on_submit():
        response = codes.find_response(form.code.data)
        if response is None:
            form.code.errors.append(
                "We cannot find that code. Check each letter and number, then try again."
            )
        elif held_responses.is_expired(response, current_app.config["UNFINISHED_RESPONSE_DAYS"]):
            abort(410, description="expired")
        else:
            slug = response.survey.slug
            _remember(
                slug, response.id, held_responses.hold_response(response.id), response.survey_id
            )
            if response.submitted_at is not None:
                return redirect(url_for(".done", slug=slug))
            definition = survey_versions.definition_of(response.survey)
            answers = held_responses.answers_by_question(response.id)
            next_question = held_responses.first_unanswered(definition, answers)
            if next_question is None:
                return redirect(url_for(".check", slug=slug))
            return redirect(url_for(".question", slug=slug, question_id=next_question.id))
    status = 400 if form.errors else 200
    return render_template("surveys/resume.html", form=form), status


@bp.route("/withdraw", methods=["GET", "POST"])
@limited("RESUME_LIMIT")
def withdraw() -> str | HttpResponse:
    """A respondent deletes their answers with their code."""
    form = WithdrawForm()
    if form.validate_on_submit():
        response = codes.find_response(form.code.data)
        if response is None and retention.withdraw_unentered_copy(form.code.data):
            return render_template("surveys/withdrawn.html")  # a paper copy not entered yet
        if response is None:
            form.code.errors.append(
                "We cannot find that code. Check each letter and number, then try again."
            )
        else:
            slug = response.survey.slug
            retention.withdraw_response(response)
            session.get("responses", {}).pop(slug, None)
            session.modified = True
            return render_template("surveys/withdrawn.html")
    status = 400 if form.errors else 200
    return render_template("surveys/withdraw.html", form=form), status


@bp.post("/display")
def display() -> HttpResponse:
    """Larger text and higher contrast, remembered in a cookie: works with or without JavaScript.
    On a page with answers not yet saved, the switch sends that page's form here ("carry"):
    a 307 sends it on, unchanged, to the page, which shows it again with what was ticked or
    typed, unsaved (carried_over)."""
    back = same_site_path(request.form.get("next") or request.args.get("next"))
    carry = back is not None and "carry" in request.form
    reply = redirect(back or url_for(".index"), code=307 if carry else 302)
    wanted = "large" if request.cookies.get("display") != "large" else "standard"
    reply.set_cookie(
        "display",
        wanted,
        max_age=60 * 60 * 24 * 365,
        samesite="Lax",
        httponly=True,
        # Over HTTPS only, as the session cookie is in production, or on any HTTPS request.
        secure=current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure,
    )
    return reply
