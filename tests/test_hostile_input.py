"""Random and hostile input to every public form and the indicator importer: the app never
answers 500, and a request it rejects changes nothing stored."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from sefvoice.extensions import db
from sefvoice.indicators.importer import ImportProblems, read_rows
from sefvoice.models import Answer, AnswerChoice, AuditEvent, IndicatorValue, Response, User

from .conftest import csrf_token, sign_in

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.sampled_from(
        [
            "' OR 1=1 --",
            "'); DROP TABLE answer; --",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)",
            "\x00\x01\x02\x1b[31m",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ‮reversed",
            "9" * 400,
            "-0",
            "1e309",
            "NaN",
            "x" * 5000,
        ]
    ),
)
FORM_VALUES = st.one_of(HOSTILE, st.lists(HOSTILE, max_size=4))
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot() -> tuple:
    """What a rejected request must not change."""
    texts = tuple(db.session.scalars(select(Answer.text).order_by(Answer.id)))
    return (
        *(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Response, Answer, AnswerChoice, IndicatorValue, User)
        ),
        texts,
    )


def unlimited(app) -> None:
    """Lift the rate limits, so every example reaches the form's own checks."""
    for setting in ("SIGN_IN_LIMIT", "RESUME_LIMIT", "START_LIMIT", "ANSWER_LIMIT"):
        app.config[setting] = "100000 per minute"


@pytest.fixture
def respondent(app):
    """A client part-way through the test survey, with a choice and a text saved."""
    client = app.test_client()
    token = csrf_token(client, "/s/all-types")
    client.post("/s/all-types", data={"csrf_token": token, "filled_by": "me"})
    token = csrf_token(client, "/s/all-types/q/pick-one")
    client.post("/s/all-types/q/pick-one", data={"csrf_token": token, "answer": "cats"})
    return client


URLS = [
    "/s/all-types",
    "/s/all-types/q/pick-one",
    "/s/all-types/q/pick-many",
    "/s/all-types/q/three-faces",
    "/s/all-types/q/five-faces",
    "/s/all-types/q/views-included",
    "/s/all-types/q/weeks-waited",
    "/s/all-types/q/anything-else",
    "/s/all-types/check",
    "/resume",
    "/withdraw",
    "/sign-in",
    "/display",
]


@pytest.mark.parametrize("url", URLS)
def test_public_forms_survive_hostile_input(app, respondent, url):
    unlimited(app)
    token_page = "/resume" if url == "/display" else url

    @EXAMPLES
    @given(
        fields=st.dictionaries(
            st.sampled_from(
                [
                    "answer",
                    "filled_by",
                    "code",
                    "confirm",
                    "email",
                    "password",
                    "skip",
                    "next",
                    "csrf_token",
                    "sheet",
                ]
            )
            | HOSTILE,
            FORM_VALUES,
            max_size=5,
        ),
        keep_token=st.booleans(),
    )
    def check(fields, keep_token):
        data = dict(fields)
        if keep_token:
            data["csrf_token"] = csrf_token(respondent, token_page)
        with app.app_context():
            before = snapshot()
        reply = respondent.post(url, data=data)
        assert reply.status_code < 500, (url, data, reply.status_code)
        if reply.status_code >= 400:
            with app.app_context():
                assert snapshot() == before, (url, data)

    check()


@EXAMPLES
@given(
    cells=st.lists(st.lists(HOSTILE, min_size=6, max_size=12), min_size=1, max_size=6),
    header=st.booleans(),
)
def test_the_importer_rejects_or_reads_anything(cells, header):
    columns = "code,name,domain,period,value,unit"
    lines = [columns] if header else []
    lines += [",".join('"' + c.replace('"', '""') + '"' for c in row) for row in cells]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    try:
        rows = read_rows(data, "hostile.csv")
    except ImportProblems as problems:
        assert problems.problems and all(isinstance(p, str) for p in problems.problems)
    else:
        assert all(r.domain in ("education", "health", "care", "feedback") for r in rows)


def test_upload_page_survives_hostile_files(app, client):
    unlimited(app)
    sign_in(client, "officer")

    @EXAMPLES
    @given(content=st.binary(max_size=2000), name=HOSTILE)
    def check(content, name):
        with app.app_context():
            before = snapshot()
            audits = db.session.scalar(select(func.count(AuditEvent.id)))
        token = csrf_token(client, "/indicators/upload")
        reply = client.post(
            "/indicators/upload",
            data={"csrf_token": token, "file": (io.BytesIO(content), name + ".csv")},
        )
        assert reply.status_code < 500
        with app.app_context():  # a preview writes nothing, good file or bad
            assert snapshot() == before
            assert db.session.scalar(select(func.count(AuditEvent.id))) == audits

    check()
