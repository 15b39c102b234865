"""`sefvoice indicators import`: the same checks and writes as the upload page."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from ..auth import audit
from ..words import plural
from . import service
from .importer import ImportProblems

indicators_cli = click.Group("indicators", help="The area's measures (indicator data).")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@indicators_cli.command("import")
@click.argument("file", type=FILE)
@click.option("--sheet", help="The Excel sheet to read (default: the first).")
@click.option("--dry-run", is_flag=True, help="Check and say what would change; write nothing.")
@click.option("--la-code", help="Explore Education Statistics file: the area's new_la_code.")
@click.option(
    "--measures",
    type=FILE,
    help="Explore Education Statistics file: a CSV or XLSX of column, code, name, unit"
    " [, domain, outcome, higher_is_better] naming the columns to import.",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="Explore Education Statistics file: the value of a filter column to import, such"
    " as exception_type=Total (default: Total, where the column has it). Repeat for each.",
)
def import_file(
    file: Path,
    sheet: str | None,
    dry_run: bool,
    la_code: str | None,
    measures: Path | None,
    filters: tuple[str, ...],
) -> None:
    """Import FILE (CSV or XLSX), all or nothing."""
    chosen = {}
    for given in filters:
        column, sign, value = given.partition("=")
        if not (sign and column.strip() and value.strip()):
            raise click.BadParameter(f"{given!r}: give it as COLUMN=VALUE", param_hint="--filter")
        chosen[column.strip().lower()] = value.strip()
    try:
        plan = service.plan_file(
            file.read_bytes(),
            file.name,
            sheet,
            la_code,
            (measures.read_bytes(), measures.name) if measures else None,
            chosen,
        )
    except ImportProblems as problems:
        for problem in problems.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{file.name}: nothing imported ({plural(len(problems.problems), 'problem')})"
        ) from None
    summary = plan.summary(file.name)
    for choice in plan.filters:
        click.echo(f"filter {choice.column}: {choice.chosen} (values: {', '.join(choice.values)})")
    if dry_run:
        click.echo(f"{summary}; dry run, nothing written")
        return
    record = service.apply_import(plan, file.name, actor=f"command line ({getpass.getuser()})")
    if record:
        audit.record("import indicators", summary, actor=record.actor)
    click.echo(summary)
