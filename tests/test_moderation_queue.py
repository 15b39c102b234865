"""Moderating a real queue: filters and search, many comments at once, similar comments
grouped, "approve and next", and each comment filed under its question's outcome."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from sefvoice.extensions import db
from sefvoice.feedback import comments, queue
from sefvoice.feedback.comments import ReviewError
from sefvoice.feedback.queue import FilterError, QueueFilter
from sefvoice.models import AuditEvent, CommentReview
from sefvoice.terms import TermCalendar

from .conftest import post_form, sign_in
from .test_comments import QUEUE, approve, officer, send

SUMMER = datetime(2023, 6, 1)
AUTUMN = datetime(2023, 10, 2)


def ids(found: list[comments.Comment]) -> list[int]:
    return [c.answer_id for c in found]


# Outcome and principle from the question


def test_a_review_files_the_comment_under_its_questions_outcome_and_principle(ctx):
    answer_id = send("The bus is late")
    comment = comments.get_comment(answer_id)
    assert (comment.outcome, comment.principle) == (1, "open-and-honest")  # the question's
    comments.review_comment(answer_id, "approved", "The bus is late", "Transport", None, officer())
    review = db.session.scalar(select(CommentReview))
    assert (review.outcome, review.principle) == (1, "open-and-honest")
    assert [c.outcome for c in comments.approved_comments()] == [1]


def test_the_officer_can_file_a_comment_under_another_outcome(ctx):
    answer_id = send("The bus is late")
    comments.review_comment(
        answer_id, "approved", "The bus is late", "Transport", "work-together", officer(), outcome=3
    )
    assert comments.approved_comments(outcome=1) == []
    [found] = comments.approved_comments(outcome=3)
    assert (found.outcome, found.principle) == (3, "work-together")
    assert comments.get_comment(answer_id).outcome == 3


def test_an_outcome_outside_the_charter_is_refused(ctx):
    answer_id = send("The bus is late")
    with pytest.raises(ReviewError, match="not a SEF outcome"):
        comments.review_comment(answer_id, "approved", "x", "T", None, officer(), outcome=9)
    assert db.session.scalar(select(func.count(CommentReview.id))) == 0


# Filters and search


@pytest.fixture
def mixed(ctx) -> dict[str, int]:
    reviewer = officer()
    found = {
        "bus": send("The school bus is always late", SUMMER),
        "therapy": send("We waited a year for speech therapy", SUMMER),
        "autumn-bus": send("The bus driver was kind", AUTUMN),
        "approved": send("Thank you for listening", SUMMER),
        "rejected": send("Ring me on 07700 900123", SUMMER),
    }
    approve(found["approved"], reviewer, theme="Being heard")
    comments.review_comment(found["rejected"], "rejected", "", "", None, reviewer)
    return found


def test_the_queue_filters_by_status_term_and_words(mixed):
    waiting, total = queue.find(QueueFilter(), limit=50)
    assert ids(waiting) == [mixed["bus"], mixed["therapy"], mixed["autumn-bus"]]
    assert total == 3
    summer = TermCalendar().named("Summer 2023")
    assert ids(queue.find(QueueFilter(term=summer), 50)[0]) == [mixed["bus"], mixed["therapy"]]
    assert ids(queue.find(QueueFilter(text="BUS"), 50)[0]) == [mixed["bus"], mixed["autumn-bus"]]
    assert queue.find(QueueFilter(text="100%_"), 50)[0] == []  # wildcards are plain text
    assert ids(queue.find(QueueFilter(status="approved"), 50)[0]) == [mixed["approved"]]
    assert ids(queue.find(QueueFilter(status="rejected"), 50)[0]) == [mixed["rejected"]]
    assert len(queue.find(QueueFilter(status="all"), 50)[0]) == 5
    assert queue.find(QueueFilter(), limit=1) == (queue.find(QueueFilter(), 1)[0], 3)


def test_the_queue_filters_by_survey_question_outcome_and_theme(mixed):
    assert len(queue.find(QueueFilter(survey="all-types"), 50)[0]) == 3
    assert queue.find(QueueFilter(survey="parent-carer-annual"), 50)[0] == []
    assert len(queue.find(QueueFilter(question="anything-else"), 50)[0]) == 3
    assert queue.find(QueueFilter(question="pick-one"), 50)[0] == []
    assert len(queue.find(QueueFilter(outcome=1), 50)[0]) == 3  # the question's outcome
    assert queue.find(QueueFilter(outcome=2), 50)[0] == []
    by_theme = queue.find(QueueFilter(status="all", theme="Being heard"), 50)[0]
    assert ids(by_theme) == [mixed["approved"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"status": "gone"}, "Choose a status"),
        ({"term": "Midsummer 2023"}, "Choose a term"),
        ({"outcome": "9"}, "Choose an outcome"),
        ({"outcome": "two"}, "Choose an outcome"),
        ({"text": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_filter_that_makes_no_sense_says_so(ctx, args, message):
    with pytest.raises(FilterError, match=message):
        QueueFilter.from_args(args)


def test_filters_read_from_a_query_string_and_back(ctx):
    args = {"status": "all", "term": "Summer 2023", "outcome": "3", "text": " bus ", "x": "y"}
    chosen = QueueFilter.from_args(args)
    assert (chosen.status, chosen.term.name, chosen.outcome, chosen.text) == (
        "all",
        "Summer 2023",
        3,
        "bus",
    )
    assert QueueFilter.from_args(chosen.as_args()) == chosen
    assert QueueFilter().as_args() == {}


# Many at once


def test_approving_many_gives_each_its_redaction_and_its_questions_outcome(ctx):
    first = send("Ring Sarah on 07700 900123 about the bus")
    second = send("The bus is late again")
    reviewer = officer()
    done = comments.review_many([first, second], "approved", "Transport", reviewer)
    assert done == 2
    reviews = {r.answer_id: r for r in db.session.scalars(select(CommentReview))}
    assert reviews[first].redacted_text == "Ring [name] on [phone] about the bus"
    assert reviews[second].redacted_text == "The bus is late again"
    assert {(r.theme, r.outcome, r.principle) for r in reviews.values()} == {
        ("Transport", 1, "open-and-honest")
    }
    events = db.session.scalars(select(AuditEvent).filter_by(action="moderate comment"))
    assert len(list(events)) == 2


def test_many_at_once_touches_only_comments_still_waiting(ctx):
    waiting, taken = send("The bus is late"), send("Thank you")
    reviewer = officer()
    comments.review_comment(taken, "rejected", "", "", None, officer("other@example.org"))
    assert comments.review_many([waiting, taken], "approved", "Transport", reviewer) == 1
    assert db.session.scalar(select(CommentReview.status).filter_by(answer_id=taken)) == "rejected"


def test_approving_many_needs_a_theme_and_real_comments(ctx):
    answer_id, reviewer = send("The bus is late"), officer()
    with pytest.raises(ReviewError, match="theme"):
        comments.review_many([answer_id], "approved", "  ", reviewer)
    with pytest.raises(ReviewError, match="not a comment"):
        comments.review_many([answer_id, 999999], "rejected", "", reviewer)
    assert db.session.scalar(select(func.count(CommentReview.id))) == 0


# Similar comments grouped


def test_similar_comments_are_grouped_with_a_theme_from_earlier_approvals(ctx):
    reviewer = officer()
    approve(send("We waited far too long for speech therapy."), reviewer, theme="Waiting")
    late = [send("The school bus is always late."), send("the school bus is always late!!")]
    therapy = send("We waited far too long for speech therapy")
    other = send("Mrs Patel was lovely to us")
    groups = queue.similar_groups(queue.find(QueueFilter(), 50)[0])
    assert [ids(g.comments) for g in groups] == [late, [therapy], [other]]
    assert [g.theme for g in groups] == ["", "Waiting", ""]


# The pages


def test_the_queue_page_filters_and_keeps_its_filters_in_each_form(app, client):
    with app.app_context():
        send("The school bus is always late", SUMMER)
        send("Speech therapy took a year", AUTUMN)
    sign_in(client, "officer")
    page = client.get(f"{QUEUE}?term=Summer+2023&text=bus").get_data(as_text=True)
    assert "The school bus is always late" in page and "Speech therapy" not in page
    assert 'name="filters" value="term=Summer+2023&amp;text=bus"' in page
    bad = client.get(f"{QUEUE}?outcome=99")
    assert bad.status_code == 400 and "Choose an outcome" in bad.get_data(as_text=True)


def test_an_officer_approves_a_group_in_one_action(app, client):
    with app.app_context():
        group = [send("The bus is late"), send("The bus is late")]
        left = send("Therapy took a year")
    sign_in(client, "officer")
    reply = post_form(
        client,
        f"{QUEUE}/many",
        {"answer_id": [str(i) for i in group], "theme": "Transport", "approve": "Approve"},
        token_from=QUEUE,
    )
    assert reply.status_code == 302 and reply.location == QUEUE
    with app.app_context():
        reviews = db.session.execute(select(CommentReview.answer_id, CommentReview.status))
        assert dict(reviews.all()) == dict.fromkeys(group, "approved")
    page = client.get(QUEUE).get_data(as_text=True)
    assert "Waiting: 1 comment" in page and f'value="{left}"' in page


def test_a_group_approved_without_a_theme_says_so_and_saves_nothing(app, client):
    with app.app_context():
        answer_id = send("The bus is late")
    sign_in(client, "officer")
    reply = post_form(
        client,
        f"{QUEUE}/many",
        {"answer_id": str(answer_id), "theme": "", "approve": "Approve", "filters": "text=bus"},
        token_from=QUEUE,
    )
    assert reply.status_code == 302 and reply.location == f"{QUEUE}?text=bus"
    assert "Enter a theme" in client.get(reply.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CommentReview.id))) == 0


@pytest.mark.parametrize(
    ("ticked", "message"),
    [([], "Tick the comments"), (["first"], "could not be reviewed")],
)
def test_many_at_once_with_nothing_ticked_or_a_bad_id_saves_nothing(app, client, ticked, message):
    with app.app_context():
        send("The bus is late")
    sign_in(client, "officer")
    reply = post_form(
        client,
        f"{QUEUE}/many",
        {"answer_id": ticked, "theme": "Transport", "approve": "Approve"},
        token_from=QUEUE,
    )
    assert message in client.get(reply.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CommentReview.id))) == 0


def test_approve_and_next_goes_to_the_next_waiting_comment_in_the_same_filters(app, client):
    with app.app_context():
        first = send("The bus is late", datetime(2023, 6, 1))
        send("Therapy took a year", datetime(2023, 6, 2))
        following = send("The bus again", datetime(2023, 6, 3))
    sign_in(client, "officer")
    page = client.get(f"{QUEUE}/{first}?text=bus").get_data(as_text=True)
    assert 'accesskey="a"' in page and 'accesskey="s"' in page
    assert 'value="open-and-honest" checked' in page  # the question's principle
    assert 'value="1" selected' in page  # and outcome
    reply = post_form(
        client,
        f"{QUEUE}/{first}",
        {
            "redacted_text": "The bus is late",
            "theme": "Transport",
            "principle": "open-and-honest",
            "outcome": "3",
            "filters": "text=bus",
            "approve": "Approve",
        },
    )
    assert reply.location == f"{QUEUE}/{following}?text=bus"
    with app.app_context():
        assert db.session.scalar(select(CommentReview.outcome)) == 3
    last = post_form(client, reply.location, {"reject": "Reject", "filters": "text=bus"})
    assert last.location == f"{QUEUE}?text=bus"  # none left: back to the queue
