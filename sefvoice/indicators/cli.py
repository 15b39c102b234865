"""`sefvoice indicators import`: the same checks and writes as the upload page."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from ..auth import audit
from . import service
from .importer import ImportProblems, read_ees_measures, read_rows

indicators_cli = click.Group("indicators", help="The area's measures (indicator data).")


@indicators_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", help="The Excel sheet to read (default: the first).")
@click.option("--dry-run", is_flag=True, help="Check and say what would change; write nothing.")
@click.option("--ees-la", help="Explore Education Statistics file: the local authority code.")
@click.option(
    "--ees-measures",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="EES file: a CSV of column, code, name, unit[, domain, outcome, higher_is_better].",
)
def import_file(
    file: Path, sheet: str | None, dry_run: bool, ees_la: str | None, ees_measures: Path | None
) -> None:
    """Import FILE (CSV or XLSX), all or nothing."""
    try:
        measures = (
            read_ees_measures(ees_measures.read_bytes(), ees_measures.name)
            if ees_measures
            else None
        )
        rows = read_rows(file.read_bytes(), file.name, sheet, ees_la, measures)
        plan = service.plan_import(rows)
    except ImportProblems as problems:
        for problem in problems.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{file.name}: nothing imported ({len(problems.problems)} problems)"
        ) from None
    summary = (
        f"{file.name}: {len(plan.new)} new, {len(plan.changed)} changed, {plan.unchanged} unchanged"
        f" ({len(plan.new_measures)} new measures)"
    )
    if dry_run:
        click.echo(f"{summary}; dry run, nothing written")
        return
    record = service.apply_import(plan, file.name, actor=f"command line ({getpass.getuser()})")
    if record:
        audit.record("import indicators", summary, actor=record.actor)
    click.echo(summary)
