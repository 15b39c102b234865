"""`sefvoice release publish`: publish a term's release (a command of `sefvoice release`)."""

from __future__ import annotations

import click

from ..terms import calendar
from . import service


@click.command("publish")
@click.option("--term", "term_name", required=True, help='The term, like "Summer 2023".')
@click.option("--reason", default="", help="Why the figures are revised (a revision needs one).")
@click.option("--by", "actor", default="command line", help="Who publishes, for the record.")
def release_publish(term_name: str, reason: str, actor: str) -> None:
    """Publish the term's release as a stored record (version 1, or a revision protected
    against every earlier version) and print its version."""
    try:
        term = calendar().named(term_name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--term") from error
    try:
        version = service.publish_term(term, actor, reason)
    except service.PublishError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{term.name}: published version {version}")
