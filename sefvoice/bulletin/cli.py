"""`sefvoice bulletin export`: the bulletin of a term as a PDF or a web page, from the shell."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app

from ..auth import audit
from ..terms import calendar
from .views import EDITIONS, export

bulletin_cli = click.Group("bulletin", help="The termly SEF update bulletin.")


@bulletin_cli.command("export")
@click.option("--term", "term_name", required=True, help='The term, like "Summer 2023".')
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: .html for the web page, .docx for the Word document (the full"
    " edition's accessible format), anything else for the PDF.",
)
@click.option(
    "--created",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="The creation date to put in the PDF. With it, the same data gives the same file.",
)
@click.option("--base-url", help="The site's address, so that links to its pages work in print.")
@click.option(
    "--edition",
    type=click.Choice(["full", "easy-read"]),
    default="full",
    show_default=True,
    help="The full bulletin, or its easy-read edition for families and young people.",
)
def export_command(
    term_name: str, output: Path, created: datetime | None, base_url: str | None, edition: str
) -> None:
    """Export a term's bulletin. A term with no bulletin written, or no data, still gives a
    whole bulletin that says what is missing."""
    try:
        term = calendar().named(term_name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--term") from error
    suffix = output.suffix.lower().lstrip(".")
    kind = suffix if suffix in ("html", "docx") else "pdf"
    which = EDITIONS[0] if edition == "full" else edition
    if kind == "docx" and edition != "full":
        raise click.BadParameter("the easy-read edition has no Word document", param_hint="-o")
    with current_app.test_request_context():  # the page's templates expect a request
        data = export(term, which, kind, created=created, base_url=base_url)
    output.write_bytes(data)
    label = "bulletin" if edition == "full" else "easy-read bulletin"
    audit.record("export", f"{label} {term.name} as {kind} to {output.name}")
    click.echo(f"wrote {output} ({len(data):,} bytes)")
