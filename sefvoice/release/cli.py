"""`sefvoice release audit`: attack a term's release and say what a reader could work out."""

from __future__ import annotations

import click

from . import service
from .report import audit_report

release_cli = click.Group("release", help="A term's published figures and their protection.")


@release_cli.command("audit")
@click.option("--term", "term_name", required=True, help='The term, like "Summer 2023".')
def release_audit(term_name: str) -> None:
    """For every figure of the term's release that must stay uncertain, the narrowest
    range a reader can work out from everything published (an integer programme, HiGHS),
    every version of the term already published included (and how the people added or
    removed since each answered). Exits 1 if any can be narrowed to fewer than the
    smallest count shown (5)."""
    try:
        term = service.calendar().named(term_name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--term") from error
    release, versions = service.audited_figures_for(term)
    if versions:
        click.echo(f"{term.name}: attacked with its {versions} published versions known.")
    report = audit_report(term, release)
    click.echo(report.heading)
    for line in report.lines:
        click.echo(line)
    if report.unsafe:
        click.echo(report.verdict, err=True)
        raise SystemExit(1)
    click.echo(report.verdict)
