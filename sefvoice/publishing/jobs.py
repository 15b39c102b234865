"""Publishing a term as a job (sefvoice.jobs): the release, its protection against every
version already published, and the stored record, made by a worker, not a web request."""

from __future__ import annotations

from ..jobs import JobError, Made, Progress, register
from ..terms import calendar
from . import service

PUBLISH_TERM = "publish-term"


@register(PUBLISH_TERM, "Publishing a term's figures")
def publish(arguments: dict, progress: Progress) -> Made:
    try:
        term = calendar().named(arguments["term"])
    except ValueError as error:
        raise JobError(f"{arguments['term']} is not one of the terms set up: {error}") from None
    progress.step(0, 1, "Counting, protecting and storing the term's figures")
    try:
        version = service.publish_term(term, arguments["actor"], arguments["reason"])
    except service.PublishError as error:
        raise JobError(str(error)[0].upper() + str(error)[1:] + ".") from None
    return Made(
        f"{term.name} is published: version {version}.",
        next_page=("publishing.term", {"slug": term.slug}),
    )
