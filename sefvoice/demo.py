"""Made-up responses for the demo and the benchmarks, written in bulk (not one ORM object each)."""

from __future__ import annotations

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files

import yaml
from sqlalchemy import exists, func, insert, select

from . import answer_tally
from .auth import audit
from .auth import service as auth_service
from .definitions import Question, SurveyDefinition, routing
from .extensions import db
from .feedback.comments import comment_query, for_officers
from .models import Answer, AnswerChoice, CommentReview, DemoMark, Response, Survey, User
from .models.demo import DEMO_ACCOUNTS, is_demo_database
from .surveys.versions import current_surveys, definition_of
from .terms import calendar

DEMO_FIRST_DAY = datetime(2022, 9, 1)
DEMO_LAST_DAY = datetime(2023, 8, 31)
DEMO_RESPONSES_PER_SURVEY = 160
BATCH = 2000


class NotADemoDatabase(RuntimeError):
    pass


def mark_as_demo() -> None:
    """Mark the database as the demo's, after checking it is not someone's real data: a
    database with staff accounts or responses and no mark is refused."""
    if is_demo_database():
        return
    in_use = db.session.scalar(select(exists(select(User.id)) | exists(select(Response.id))))
    if in_use:
        raise NotADemoDatabase(
            "this database has staff accounts or responses and was not made by `sefvoice demo`:"
            " the demo adds made-up responses and sign-ins, so it will not run on it."
            " Point SEFVOICE_DATABASE_URL at a new database (or use --reset on the demo's SQLite)."
        )
    db.session.add(DemoMark())
    db.session.commit()


def demo_accounts() -> list[tuple[str, str, str]]:
    """Make the demo's staff accounts, or give them new passwords if they exist; only on a
    database marked as the demo's. Returns (e-mail, role, password) for each."""
    if not is_demo_database():
        raise NotADemoDatabase("demo accounts are only made on the demo's database")
    sign_ins = []
    for email, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            auth_service.create_user(email, password, role)
        else:  # as made: its role, enabled, and the new password (which ends its sessions)
            user.role = role
            auth_service.set_disabled(user, False)
            auth_service.set_password(user, password)
        sign_ins.append((email, role, password))
    audit.record(
        "demo accounts",
        "new passwords for " + ", ".join(e for e, _ in DEMO_ACCOUNTS),
        actor="sefvoice demo",
    )
    return sign_ins


@dataclass(frozen=True)
class DemoComment:
    text: str
    theme: str  # as an officer filed it
    outcome: int


def demo_comment_list() -> list[DemoComment]:
    data = yaml.safe_load(
        files("sefvoice").joinpath("data/demo-comments.yaml").read_text(encoding="utf-8")
    )
    return [DemoComment(str(c["text"]), str(c["theme"]), int(c["outcome"])) for c in data]


def demo_comments() -> list[str]:
    return [comment.text for comment in demo_comment_list()]


def moderate_before(moment: datetime) -> int:
    """Approve the waiting demo comments sent before `moment`, as officers did in earlier
    terms: each with its suggested redaction, its question's principle, and the theme and
    outcome in demo-comments.yaml. Returns how many."""
    filed = {c.text: c for c in demo_comment_list()}
    waiting = for_officers(
        comment_query().where(CommentReview.id.is_(None), Response.submitted_at < moment)
    )
    rows = [
        {
            "answer_id": c.answer_id,
            "status": "approved",
            "redacted_text": c.suggested,
            "theme": filed[c.text].theme,
            "principle": c.question.principle,
            "outcome": filed[c.text].outcome,
            "reviewed_at": moment,
        }
        for c in waiting
        if c.text in filed
    ]
    if rows:
        db.session.execute(insert(CommentReview), rows)
        audit.record(
            "moderate comment", f"{len(rows)} demo comments approved", actor="sefvoice demo"
        )
    return len(rows)


def _choose(question: Question, rng: random.Random, mood: float) -> list[str]:
    """Options picked with a lean towards the positive ones when mood is high."""
    weights = [mood if o.positive else 1 - mood for o in question.options]
    if question.type == "multiple":
        count = rng.randint(1, min(3, len(question.options)))
        return list(dict.fromkeys(rng.choices([o.id for o in question.options], weights, k=count)))
    return [rng.choices([o.id for o in question.options], weights)[0]]


def _answer_values(
    question: Question, rng: random.Random, mood: float, comments: list[str]
) -> dict | None:
    if question.optional and rng.random() < 0.25:
        return {"option_ids": [], "number": None, "text": None}  # skipped
    if question.is_choice:
        return {"option_ids": _choose(question, rng, mood), "number": None, "text": None}
    if question.type == "number":
        low, high = question.min, question.max
        value = min(high, low + int(rng.expovariate(1 / max(1, (high - low) / 6))))
        return {"option_ids": [], "number": value, "text": None}
    if question.optional and rng.random() < 0.6:
        return None  # never reached this page
    return {"option_ids": [], "number": None, "text": rng.choice(comments)}


def generate_responses(
    survey: Survey,
    definition: SurveyDefinition,
    count: int,
    first_day: datetime,
    last_day: datetime,
    seed: int = 1,
) -> int:
    """Insert `count` submitted responses spread over the days given. Returns answers written."""
    rng = random.Random(seed)
    comments = demo_comments()
    span = (last_day - first_day).total_seconds()
    written = 0
    for batch_start in range(0, count, BATCH):
        size = min(BATCH, count - batch_start)
        rows, moods = [], []
        for n in range(batch_start, batch_start + size):
            submitted = first_day + timedelta(seconds=rng.random() * span)
            rows.append(
                {
                    "survey_id": survey.id,
                    "filled_by": rng.choices([o.id for o in definition.filled_by], [5, 3, 2])[0],
                    # Demo responses have no usable code: the hash is of a random token.
                    "resume_code_hash": hashlib.sha256(
                        f"demo-{seed}-{n}-{rng.random()}".encode()
                    ).hexdigest(),
                    "started_at": submitted - timedelta(minutes=rng.randint(3, 40)),
                    "last_saved_at": submitted,
                    "submitted_at": submitted,
                }
            )
            moods.append(rng.betavariate(4, 2.5))
        # Plain executemany, then look the new ids up: RETURNING on executemany is slow here.
        connection = db.session.connection()
        connection.execute(insert(Response), rows)
        hashes = [row["resume_code_hash"] for row in rows]
        id_of = dict(
            connection.execute(
                select(Response.resume_code_hash, Response.id).where(
                    Response.resume_code_hash.in_(hashes)
                )
            ).all()
        )
        ids = [id_of[h] for h in hashes]
        answer_rows, chosen = [], {}
        for response_id, row, mood in zip(ids, rows, moods, strict=True):
            picked: dict[str, list[str]] = {}
            for question in definition.questions:
                if not routing.applies(definition, question, picked):
                    continue  # not asked of this person: no answer, not a skip
                values = _answer_values(question, rng, mood, comments)
                if values is None:
                    continue
                picked[question.id] = values["option_ids"]
                answer_rows.append(
                    {
                        "response_id": response_id,
                        "question_id": question.id,
                        "number": values["number"],
                        "text": values["text"],
                        "saved_at": row["submitted_at"],
                    }
                )
                chosen[response_id, question.id] = values["option_ids"]
        connection.execute(insert(Answer), answer_rows)
        new_answers = connection.execute(
            select(Answer.response_id, Answer.question_id, Answer.id).where(
                Answer.response_id.in_(ids)
            )
        ).all()
        choice_rows = [
            {"answer_id": answer_id, "option_id": option_id, "position": position}
            for response_id, question_id, answer_id in new_answers
            for position, option_id in enumerate(chosen[response_id, question_id])
        ]
        if choice_rows:
            connection.execute(insert(AnswerChoice), choice_rows)
        answer_tally.add_responses(Response.id.in_(ids))
        db.session.commit()
        written += len(answer_rows)
    return written


def load_demo_indicators() -> str:
    """The measures published in the seed bulletin (sefvoice/data/demo-indicators.csv)."""
    from .indicators.importer import read_rows
    from .indicators.service import apply_import, plan_import

    data = files("sefvoice").joinpath("data/demo-indicators.csv").read_bytes()
    plan = plan_import(read_rows(data, "demo-indicators.csv"))
    apply_import(plan, "demo-indicators.csv", actor="sefvoice demo")
    return f"indicators: {len(plan.new)} new figures, {plan.unchanged} already there"


def load_demo_data() -> list[str]:
    """Demo responses for every survey that has none yet, and the demo measures. Safe to
    run twice."""
    report = [load_demo_indicators()]
    for seed, survey in enumerate(current_surveys(), start=1):
        existing = db.session.scalar(
            select(func.count(Response.id)).join(Survey).where(Survey.slug == survey.slug)
        )
        if existing:
            report.append(f"{survey.slug}: already has {existing} responses")
            continue
        answers = generate_responses(
            survey,
            definition_of(survey),
            DEMO_RESPONSES_PER_SURVEY,
            DEMO_FIRST_DAY,
            DEMO_LAST_DAY,
            seed=seed,
        )
        report.append(
            f"{survey.slug}: {DEMO_RESPONSES_PER_SURVEY} demo responses, {answers} answers"
        )
    last_term = calendar().term_at(DEMO_LAST_DAY)
    approved = moderate_before(last_term.bounds()[0])
    report.append(f"comments: {approved} sent before {last_term.name} approved")
    return report


DEMO_PUBLISHED = ("Autumn 2022", "Spring 2023")  # Summer 2023 stays a draft


def publish_demo_terms() -> list[str]:
    """Publish the demo's two earlier terms and leave Summer 2023 a draft, so that a
    newcomer sees both. Safe to run twice."""
    from .publishing.service import publish_term, versions_of
    from .terms import calendar

    report = []
    for name in DEMO_PUBLISHED:
        term = calendar().named(name)
        published = versions_of(term)
        if published:
            report.append(f"{name}: published already (version {published[-1].version})")
        else:
            report.append(f"{name}: published version {publish_term(term, 'sefvoice demo')}")
    return report
