"""The release audit as a job (sefvoice.jobs): a solver over every hidden figure of a term,
run by a worker; its report is stored as a text file."""

from __future__ import annotations

from ..jobs import JobError, Made, Progress, register

RELEASE_AUDIT = "release-audit"


@register(RELEASE_AUDIT, "Checking a term's release")
def audit_release(arguments: dict, progress: Progress) -> Made:
    # Here, not at the top: the release's solver (scipy) loads with the first release.
    from . import service
    from .report import audit_report

    try:
        term = service.calendar().named(arguments["term"])
    except ValueError as error:
        raise JobError(str(error)) from None
    progress.step(0, 2, "Counting and protecting the term's figures")
    release, _ = service.audited_figures_for(term)
    progress.step(1, 2, "Working out what a reader could tell of each hidden figure")
    report = audit_report(term, release)
    return Made(
        f"{report.heading} {report.verdict}",
        content=report.text().encode("utf-8"),
        file_name=f"release-audit-{term.slug}.txt",
        media_type="text/plain; charset=utf-8",
    )
