"""Comment moderation: officers review the queue; reps read approved, redacted comments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..auth import role_required
from ..surveys.versions import charter
from . import comments
from .forms import ReviewForm
from .views import bp

QUEUE_SIZE = 50
RECENTLY_REVIEWED = 20
APPROVED_SHOWN = 200


@bp.get("/comments")
@role_required("officer")
def comment_queue() -> str:
    return render_template(
        "feedback/comments.html",
        pending=comments.pending_comments(QUEUE_SIZE),
        waiting=comments.count_pending(),
        reviewed=comments.reviewed_comments(RECENTLY_REVIEWED),
        charter=charter(),
    )


@bp.route("/comments/<int:answer_id>", methods=["GET", "POST"])
@role_required("officer")
def review_comment(answer_id: int) -> str | HttpResponse:
    comment = comments.get_comment(answer_id)
    if comment is None:
        abort(404)
    principles = charter().principles
    # A first review starts from the suggested redaction; a second from the first decision.
    form = ReviewForm(principles.values(), obj=comment.review, redacted_text=comment.suggested)
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
        )
        flash(f"Comment {decision}.")
        return redirect(url_for(".comment_queue"))
    status = 400 if form.errors else 200
    return render_template(
        "feedback/comments_review.html",
        comment=comment,
        form=form,
        principles=principles,
        themes=comments.themes(),
    ), status


@bp.get("/comments/approved")
@role_required("pcv_rep")
def approved_comments() -> str:
    chart = charter()
    principle = request.args.get("principle") or None
    if principle is not None and principle not in chart.principles:
        abort(404)
    theme = request.args.get("theme") or None
    return render_template(
        "feedback/comments_approved.html",
        shown=comments.approved_comments(principle=principle, theme=theme, limit=APPROVED_SHOWN),
        limit=APPROVED_SHOWN,
        charter=chart,
        themes=comments.themes(),
        principle=principle,
        theme=theme,
    )
