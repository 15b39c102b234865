"""Comment moderation: the queue, reviews and their audit trail, what reps see, and roles."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from sefvoice.definitions import parse_survey
from sefvoice.extensions import db
from sefvoice.feedback import comments
from sefvoice.feedback.comments import ReviewError
from sefvoice.models import AuditEvent, CommentReview, Response, Survey, User
from sefvoice.surveys import held as held_responses
from sefvoice.surveys import versions as survey_versions
from sefvoice.terms import TermCalendar

from .conftest import PASSWORD, post_form, sign_in

SLUG = "all-types"
TYPED = "Mrs Patel was lovely. Ring me on 07700 900123 or email jo.bloggs@example.com."
REDACTED = "Mrs [name] was lovely. Ring me on [phone] or email [email]."


def send(
    text: str | None, submitted_at: datetime | None = datetime(2023, 6, 1), version: int = 1
) -> int:
    """A response to the test survey with `text` as its comment, sent at submitted_at (None:
    not sent). Returns the comment's answer id."""
    survey = db.session.scalar(select(Survey).filter_by(slug=SLUG, version=version))
    definition = survey_versions.definition_of(survey)
    response = db.session.get(Response, held_responses.start_response(survey, "me")[0])
    held_responses.save_answer(response.id, definition.question("pick-one"), option_ids=["cats"])
    answer_id = held_responses.save_answer(
        response.id, definition.question("anything-else"), text=text
    )
    if submitted_at is not None:
        held_responses.submit_response(response.id)
        response.submitted_at = submitted_at
        db.session.commit()
    return answer_id


def officer(email: str = "officer@example.org") -> User:
    from sefvoice.auth import service as auth_service

    return auth_service.create_user(email, PASSWORD, "officer")


def approve(answer_id: int, reviewer: User, principle="open-and-honest", theme="Transport"):
    return comments.review_comment(
        answer_id, "approved", comments.get_comment(answer_id).suggested, theme, principle, reviewer
    )


# The queue and reviews, as plain functions


def test_the_queue_holds_sent_unreviewed_comments_oldest_first(ctx):
    later = send("The second comment", datetime(2023, 6, 2))
    earlier = send("The first comment", datetime(2023, 6, 1))
    send("Not sent yet", submitted_at=None)
    send(None)  # skipped
    send("   ")  # nothing written
    pending = comments.pending_comments(10)
    assert [c.answer_id for c in pending] == [earlier, later]
    assert comments.count_pending() == 2
    assert pending[0].text == "The first comment"
    assert (pending[0].survey_title, pending[0].question_text) == (
        "Test survey",
        "Is there anything else?",
    )
    assert [c.answer_id for c in comments.pending_comments(1)] == [earlier]

    comments.review_comment(earlier, "rejected", "", "", None, officer())
    assert [c.answer_id for c in comments.pending_comments(10)] == [later]
    assert comments.count_pending() == 1
    assert [c.answer_id for c in comments.reviewed_comments(10)] == [earlier]


def test_a_comment_suggests_its_redaction(ctx):
    comment = comments.get_comment(send(TYPED))
    assert (comment.text, comment.suggested) == (TYPED, REDACTED)


def test_reviewing_again_changes_the_one_review_and_each_decision_is_audited(ctx):
    answer_id = send(TYPED)
    reviewer, second = officer(), officer("second@example.org")
    approve(answer_id, reviewer, theme="  transport ")
    comments.review_comment(answer_id, "rejected", REDACTED, "", None, second)

    review = db.session.scalar(select(CommentReview))
    assert db.session.scalar(select(func.count(CommentReview.id))) == 1
    assert (review.status, review.reviewer_id, review.theme) == ("rejected", second.id, "")
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.action, e.actor) for e in events] == [
        ("moderate comment", "officer@example.org"),
        ("moderate comment", "second@example.org"),
    ]
    assert events[0].detail == (
        f"comment {answer_id}: approved; theme 'Transport'; principle open-and-honest; outcome 1"
    )
    assert events[1].detail.startswith(f"comment {answer_id}: rejected (was approved)")
    assert not any("Patel" in e.detail or "07700" in e.detail for e in events)


def test_two_first_reviews_at_once_end_as_one_review_the_later_decision(ctx, monkeypatch):
    answer_id = send(TYPED)
    first_id, second = officer().id, officer("second@example.org")
    record = comments.audit.record

    def first_review_lands_meanwhile(*args, **kwargs):
        """The first officer's review is committed on another connection just before the
        second officer's is (both pages were opened before either was sent)."""
        monkeypatch.setattr(comments.audit, "record", record)
        with db.engine.begin() as connection:
            connection.execute(
                CommentReview.__table__.insert().values(
                    answer_id=answer_id,
                    status="approved",
                    redacted_text=REDACTED,
                    theme="Transport",
                    reviewer_id=first_id,
                    reviewed_at=datetime(2023, 6, 2),
                )
            )
        return record(*args, **kwargs)

    monkeypatch.setattr(comments.audit, "record", first_review_lands_meanwhile)
    assert second.email  # loaded now, so that nothing is written before the audit record
    comments.review_comment(answer_id, "rejected", REDACTED, "", None, second)

    db.session.expire_all()
    reviews = list(db.session.scalars(select(CommentReview)))
    assert [(r.status, r.reviewer_id) for r in reviews] == [("rejected", second.id)]
    event = db.session.scalar(select(AuditEvent).filter_by(action="moderate comment"))
    assert event.detail.startswith(f"comment {answer_id}: rejected (was approved)")


@pytest.mark.parametrize(
    ("status", "principle", "sent", "message"),
    [
        ("maybe", None, True, "status must be one of approved, rejected"),
        ("approved", "be-nice", True, "'be-nice' is not a charter principle"),
        ("approved", None, False, "is not a comment in a sent response"),
    ],
)
def test_a_review_that_cannot_be_stored_is_refused(ctx, status, principle, sent, message):
    answer_id = send("A comment", datetime(2023, 6, 1) if sent else None)
    with pytest.raises(ReviewError, match=message):
        comments.review_comment(answer_id, status, "A comment", "Theme", principle, officer())
    assert db.session.scalar(select(func.count(CommentReview.id))) == 0


# What the bulletin and the feedback tab get


@pytest.fixture
def reviewed(ctx) -> dict[str, int]:
    """Comments sent either side of the Summer 2023 term's bounds, some approved. Times are
    UTC: the term starts and ends at midnight BST, 23:00 UTC."""
    reviewer = officer()
    ids = {
        "spring": send("Sent in spring, Sarah", datetime(2023, 4, 30, 22, 59, 59)),
        "summer-first": send("Sent on the first day of summer", datetime(2023, 4, 30, 23)),
        "summer": send("Sent in summer, ring 07700 900123", datetime(2023, 7, 15, 12)),
        "autumn": send("Sent on the first day of autumn", datetime(2023, 8, 31, 23)),
        "rejected": send("Rejected in summer", datetime(2023, 6, 1)),
        "pending": send("Waiting in summer", datetime(2023, 6, 1)),
    }
    approve(ids["spring"], reviewer, principle="actively-listen", theme="Therapy")
    approve(ids["summer-first"], reviewer)
    approve(ids["summer"], reviewer, principle="actively-listen")
    approve(ids["autumn"], reviewer)
    comments.review_comment(ids["rejected"], "rejected", "x", "Transport", None, reviewer)
    return ids


def texts(found: list[comments.ApprovedComment]) -> list[str]:
    return [c.text for c in found]


def test_approved_comments_are_redacted_newest_first(reviewed):
    found = comments.approved_comments()
    assert texts(found) == [
        "Sent on the first day of autumn",
        "Sent in summer, ring [phone]",
        "Sent on the first day of summer",
        "Sent in spring, [name]",
    ]
    summer = found[1]
    assert (summer.survey_title, summer.question_text, summer.outcome) == (
        "Test survey",
        "Is there anything else?",
        1,
    )
    assert (summer.theme, summer.principle) == ("Transport", "actively-listen")
    assert summer.submitted_at == datetime(2023, 7, 15, 12)
    assert texts(comments.approved_comments(limit=1)) == ["Sent on the first day of autumn"]


def test_approved_comments_within_a_terms_bounds(reviewed):
    start, end = TermCalendar().named("Summer 2023").bounds()
    assert texts(comments.approved_comments(start=start, end=end)) == [
        "Sent in summer, ring [phone]",
        "Sent on the first day of summer",
    ]
    assert texts(comments.approved_comments(end=start)) == ["Sent in spring, [name]"]


def test_approved_comments_by_principle_theme_and_survey(reviewed):
    assert texts(comments.approved_comments(principle="actively-listen")) == [
        "Sent in summer, ring [phone]",
        "Sent in spring, [name]",
    ]
    assert texts(comments.approved_comments(theme="Therapy")) == ["Sent in spring, [name]"]
    assert len(comments.approved_comments(survey_slug=SLUG)) == 4
    assert comments.approved_comments(survey_slug="parent-carer-annual") == []
    assert comments.themes() == ["Therapy", "Transport"]  # "Transport" on a rejected one too


def test_approved_comments_by_the_outcome_of_the_version_answered(ctx, definitions):
    """A new version moves the question to outcome 3: older answers stay under outcome 1."""
    test_survey = next(d for d in definitions if d.slug == SLUG)
    questions = [
        {**q, "outcome": 3} if q["id"] == "anything-else" else q
        for q in test_survey.raw["questions"]
    ]
    survey_versions.store_definitions(
        [parse_survey({**test_survey.raw, "version": 2, "questions": questions}, "v2")]
    )
    reviewer = officer()
    approve(send("Answered in version 1"), reviewer)
    approve(send("Answered in version 2", version=2), reviewer)
    assert texts(comments.approved_comments(outcome=1)) == ["Answered in version 1"]
    assert texts(comments.approved_comments(outcome=3)) == ["Answered in version 2"]
    assert sorted(c.outcome for c in comments.approved_comments()) == [1, 3]
    assert comments.approved_comments(outcome=2) == []


# The pages


QUEUE = "/feedback/comments"
APPROVED = "/feedback/comments/approved"


@pytest.fixture
def comment_id(app) -> int:
    with app.app_context():
        return send(TYPED)


@pytest.mark.parametrize(
    ("role", "queue", "review", "approved"),
    [("pcv_rep", 403, 403, 200), ("officer", 200, 200, 200), ("admin", 200, 200, 200)],
)
def test_pages_need_the_right_role(client, comment_id, role, queue, review, approved):
    sign_in(client, role)
    assert client.get(QUEUE).status_code == queue
    assert client.get(f"{QUEUE}/{comment_id}").status_code == review
    assert client.get(APPROVED).status_code == approved


@pytest.mark.parametrize("url", [QUEUE, f"{QUEUE}/1", APPROVED])
def test_signed_out_goes_to_sign_in(client, url):
    reply = client.get(url)
    assert reply.status_code == 302 and "/sign-in?next=" in reply.location


def test_a_rep_cannot_review(app, client, comment_id):
    sign_in(client, "pcv_rep")
    reply = post_form(
        client,
        f"{QUEUE}/{comment_id}",
        {"redacted_text": TYPED, "theme": "T", "principle": "open-and-honest", "approve": "1"},
        token_from=APPROVED,
    )
    assert reply.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(CommentReview.id))) == 0


def test_officer_approves_from_the_queue_and_the_rep_sees_only_the_redaction(app, client):
    with app.app_context():
        approved_id = send(TYPED)
        rejected_id = send("Call Sarah on 01432 260000, she knows us.")
        send("Still waiting: my son Jack at 12 Elm Road.")
    sign_in(client, "officer", "boss@example.org")

    queue = client.get(QUEUE).get_data(as_text=True)
    assert "Waiting: 3 comments" in queue
    assert TYPED in queue and REDACTED in queue  # the original and the suggestion
    assert "Still waiting: my son [name] at 12 Elm Road." in queue

    review_url = f"{QUEUE}/{approved_id}"
    page = client.get(review_url).get_data(as_text=True)
    assert f">{REDACTED}</textarea>" in page

    incomplete = post_form(client, review_url, {"redacted_text": REDACTED, "approve": "Approve"})
    assert incomplete.status_code == 400
    errors = incomplete.get_data(as_text=True)
    assert "There is a problem" in errors
    assert 'href="#theme">Enter a theme.' in errors
    assert "Choose the charter principle" not in errors  # its question's, unless changed

    done = post_form(
        client,
        review_url,
        {
            "redacted_text": REDACTED + " Thank you.",
            "theme": "Being listened to",
            "principle": "actively-listen",
            "approve": "Approve",
        },
    )
    assert done.status_code == 302 and done.location == f"{QUEUE}/{rejected_id}"  # and next
    rejected = post_form(client, f"{QUEUE}/{rejected_id}", {"reject": "Reject"})
    assert rejected.status_code == 302
    assert "Waiting: 1 comment" in client.get(QUEUE).get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).filter_by(action="moderate comment"))
        assert [e.actor for e in events] == ["boss@example.org"] * 2

    post_form(client, "/sign-out", {}, token_from="/")
    sign_in(client, "pcv_rep")
    seen = client.get(APPROVED).get_data(as_text=True)
    assert REDACTED + " Thank you." in seen
    assert "Being listened to" in seen and "Actively listen" in seen
    for typed in ("Patel", "07700", "jo.bloggs", "Sarah", "01432", "Jack", "Elm Road"):
        assert typed not in seen


def test_a_second_review_starts_from_the_first(app, client, comment_id):
    with app.app_context():
        approve(comment_id, officer("first@example.org"), theme="Health")
    sign_in(client, "officer")
    page = client.get(f"{QUEUE}/{comment_id}").get_data(as_text=True)
    assert 'value="Health"' in page
    assert 'value="open-and-honest" checked' in page
    assert "Approved on" in page and "by first@example.org" in page


def test_rep_filters_by_principle_and_theme(app, client):
    with app.app_context():
        reviewer = officer()
        approve(send("About transport"), reviewer, theme="Transport")
        approve(send("About therapy"), reviewer, principle="actively-listen", theme="Therapy")
    sign_in(client, "pcv_rep")
    by_principle = client.get(f"{APPROVED}?principle=actively-listen").get_data(as_text=True)
    assert "About therapy" in by_principle and "About transport" not in by_principle
    by_theme = client.get(f"{APPROVED}?theme=Transport").get_data(as_text=True)
    assert "About transport" in by_theme and "About therapy" not in by_theme
    assert client.get(f"{APPROVED}?principle=no-such-thing").status_code == 404


def test_what_families_typed_is_escaped(app, client):
    script = '<script>alert("hi")</script> & <b>bold</b>'
    with app.app_context():
        approve(send(script), officer())
        send(script)
    sign_in(client, "officer")
    for url in (QUEUE, APPROVED):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<b>bold" not in page
        assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_a_review_needs_the_csrf_token(app, client, comment_id):
    sign_in(client, "officer")
    reply = client.post(f"{QUEUE}/{comment_id}", data={"reject": "Reject"})
    assert reply.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(CommentReview.id))) == 0


def test_an_answer_that_is_not_a_comment_has_no_review_page(app, client):
    with app.app_context():
        unsent = send("Not sent", submitted_at=None)
        response = db.session.scalar(select(Response))
        choice = next(a.id for a in response.answers if a.question_id == "pick-one")
    sign_in(client, "officer")
    for answer_id in (unsent, choice, 999999):
        assert client.get(f"{QUEUE}/{answer_id}").status_code == 404


def test_reps_see_the_month_the_figures_count_a_comment_in(app, client):
    """A comment's month is the partnership's (as the tally counts it), not UTC's: sent at
    23:30 UTC on 31 August 2023, it was sent on 1 September in London, in the autumn term
    whose figures count it, and the page must not put it in a summer month."""
    with app.app_context():
        reviewer = officer()
        approve(send("Sent on the first night of autumn", datetime(2023, 8, 31, 23, 30)), reviewer)
        approve(send("Sent on the last night of spring", datetime(2023, 4, 30, 22, 30)), reviewer)
    sign_in(client, "pcv_rep")
    page = client.get(APPROVED).get_data(as_text=True)
    assert "Test survey, September 2023." in page
    assert "Test survey, April 2023." in page
    assert "August 2023" not in page
