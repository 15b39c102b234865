"""`sefvoice release audit`: attack a term's release and say what a reader could work out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import service

if TYPE_CHECKING:
    from .attack import Finding

release_cli = click.Group("release", help="A term's published figures and their protection.")


def _describe(finding: Finding) -> str:
    return " / ".join(finding.key)


def _range(finding: Finding) -> str:
    high = "no limit" if finding.high == float("inf") else f"{finding.high:,}"
    return f"{finding.low:,} to {high}"


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
    findings = release.audit()
    shown = sum(1 for key in release.protection.counts if release.shown(key))
    click.echo(
        f"{term.name}: {shown:,} counts shown, {len(release.protection.counts) - shown:,} hidden"
        f" ({len(release.protection.secondary):,} of them to protect others);"
        f" {len(findings):,} figures must stay uncertain."
    )
    width = max((len(_describe(f)) for f in findings), default=0)
    for finding in findings:
        verdict = "safe" if finding.safe else "UNSAFE"
        click.echo(
            f"  {_describe(finding):<{width}}  true {finding.value:>5,}  a reader can tell:"
            f" {_range(finding)}  {verdict}"
        )
    unsafe = [f for f in findings if not f.safe]
    if unsafe:
        click.echo(
            f"{len(unsafe)} figures can be narrowed to fewer than"
            f" {release.rules.min_count} values.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"No hidden figure can be narrowed to fewer than {release.rules.min_count} values.")
