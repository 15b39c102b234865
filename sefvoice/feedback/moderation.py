"""Comment moderation: officers review the queue; reps read approved, redacted comments."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as HttpResponse

from ..auth import role_required
from ..surveys.versions import charter
from ..terms import calendar, local_date
from ..words import plural
from . import comments, queue
from .comments import ReviewError
from .forms import ManyForm, ReviewForm
from .queue import FilterError, QueueFilter
from .views import bp

QUEUE_SIZE = 100
RECENTLY_REVIEWED = 20
APPROVED_SHOWN = 200


def _filters(query_string: str) -> QueueFilter:
    """The queue's filters carried in a form; none if they were tampered with."""
    try:
        return QueueFilter.from_args(MultiDict(parse_qsl(query_string)))
    except FilterError:
        return QueueFilter()


def _queue_url(chosen: QueueFilter) -> str:
    query = chosen.query_string
    return url_for(".comment_queue") + (f"?{query}" if query else "")


@bp.get("/comments")
@role_required("officer")
def comment_queue() -> tuple[str, int]:
    problem = None
    try:
        chosen = QueueFilter.from_args(request.args)
    except FilterError as error:
        chosen, problem = QueueFilter(), str(error)
    shown, total = queue.find(chosen, QUEUE_SIZE)
    return render_template(
        "feedback/comments.html",
        chosen=chosen,
        problem=problem,
        shown=shown,
        total=total,
        groups=queue.similar_groups(shown) if chosen.status == "waiting" else [],
        waiting=comments.count_pending(),
        form=ManyForm(charter()),
        choices=queue.filter_choices(),
        statuses=queue.STATUSES,
        charter=charter(),
    ), (400 if problem else 200)


@bp.post("/comments/many")
@role_required("officer")
def review_many() -> HttpResponse:
    form = ManyForm(charter())
    chosen = _filters(form.filters.data)
    if not form.validate():
        flash("Those comments could not be reviewed: choose them again.")
        return redirect(_queue_url(chosen))
    if not form.answer_id.data:
        flash("Tick the comments to approve or set aside.")
        return redirect(_queue_url(chosen))
    status = "approved" if form.approve.data else "rejected"
    try:
        done = comments.review_many(
            form.answer_id.data,
            status,
            form.theme.data,
            current_user,
            principle=form.principle.data or None,
            outcome=form.outcome.data,
        )
    except ReviewError as error:
        flash(str(error))
    else:
        word = "approved" if status == "approved" else "set aside"
        flash(f"{plural(done, 'comment')} {word}.")
    return redirect(_queue_url(chosen))


@bp.route("/comments/<int:answer_id>", methods=["GET", "POST"])
@role_required("officer")
def review_comment(answer_id: int) -> str | HttpResponse:
    comment = comments.get_comment(answer_id)
    if comment is None:
        abort(404)
    chart = charter()
    # A first review starts from the suggested redaction and its question's principle and
    # outcome; a second from the first decision.
    form = ReviewForm(
        chart,
        obj=comment.review,
        redacted_text=comment.suggested,
        principle=comment.principle,
        outcome=comment.outcome,
        filters=request.query_string.decode(),
    )
    chosen = _filters(form.filters.data)
    if form.validate_on_submit():
        # Only the Approve button approves: anything else keeps the comment from reps.
        decision = "approved" if form.approve.data else "rejected"
        comments.review_comment(
            answer_id,
            decision,
            form.redacted_text.data,
            form.theme.data,
            form.principle.data or None,
            current_user,
            form.outcome.data,
        )
        flash(f"Comment {'approved' if decision == 'approved' else 'set aside'}.")
        following = queue.next_waiting(chosen, comment)
        if following is None:
            return redirect(_queue_url(chosen))
        query = chosen.query_string
        return redirect(
            url_for(".review_comment", answer_id=following.answer_id)
            + (f"?{query}" if query else "")
        )
    status = 400 if form.errors else 200
    return render_template(
        "feedback/comments_review.html",
        comment=comment,
        form=form,
        principles=chart.principles,
        themes=comments.themes(),
        following=queue.next_waiting(chosen, comment),
        queue_url=_queue_url(chosen),
        filters=chosen.query_string,
    ), status


@bp.get("/comments/approved")
@role_required("pcv_rep")
def approved_comments() -> str:
    chart = charter()
    principle = request.args.get("principle") or None
    if principle is not None and principle not in chart.principles:
        abort(404)
    theme = request.args.get("theme") or None
    found = comments.approved_comments(principle=principle, theme=theme, limit=APPROVED_SHOWN)
    zone = calendar().zone
    return render_template(
        "feedback/comments_approved.html",
        # Each with the day it was sent in the partnership's time zone: its month is the one
        # the figures count it in, so the term it says is the term it is in.
        shown=[(comment, local_date(comment.submitted_at, zone)) for comment in found],
        limit=APPROVED_SHOWN,
        charter=chart,
        themes=comments.themes(),
        principle=principle,
        theme=theme,
    )
