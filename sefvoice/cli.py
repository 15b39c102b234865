"""The `sefvoice` command: Flask's CLI (run, shell, db ...) plus sefvoice's own commands."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from flask_migrate import upgrade
from werkzeug.serving import make_server

from . import answer_tally, uploads
from .auth import ROLES, audit
from .auth import service as auth_service
from .auth.roles import ROLE_NAMES
from .bulletin.cli import bulletin_cli
from .bulletin.service import load_demo_bulletin
from .config import SettingError
from .definitions import SurveyDefinitionError, check_all
from .extensions import db
from .indicators.cli import indicators_cli
from .jobs.queue import job_queue
from .paper.words import load_paper_words
from .publishing.cli import release_publish
from .release.cli import release_cli
from .surveys import retention
from .surveys import versions as survey_versions
from .surveys.pagecheck import page_problems


def _create_cli_app() -> Flask:
    from . import create_app

    # Commands such as `db upgrade` must run on a database that is not migrated yet.
    try:
        return create_app({"CHECK_MIGRATED": False})
    except SettingError as error:
        raise click.ClickException(str(error)) from None


main = FlaskGroup(create_app=_create_cli_app, help="sefvoice: easy-read surveys and SEND feedback.")


def _static_dir() -> Path:
    return Path(current_app.static_folder)


def _check_surveys(easy_read: bool = True) -> tuple[list, list[str]]:
    """Every definition's faults and the paper copies' words, then (if there are none)
    those of the pages the definitions make. `easy_read=False` leaves out the slow
    easy-read rules and the page check (the demo's start, on the shipped surveys)."""
    easyread_dir = Path(current_app.config["EASYREAD_DIR"])
    definitions, problems = check_all(easyread_dir, _static_dir(), easy_read)
    try:
        load_paper_words(easyread_dir)
    except SurveyDefinitionError as error:
        problems += error.problems
    if not problems and easy_read:
        problems = page_problems(easyread_dir, definitions)
    return definitions, problems


def _check_and_store_surveys(easy_read: bool = True) -> list[str]:
    definitions, problems = _check_surveys(easy_read)
    if problems:
        raise click.ClickException("the survey definitions have problems:\n" + "\n".join(problems))
    try:
        return survey_versions.store_definitions(definitions)
    except ValueError as error:
        raise click.ClickException(str(error)) from error


surveys_cli = click.Group("surveys", help="Check and load the survey definitions in easyread/.")


@surveys_cli.command("check")
def surveys_check() -> None:
    """Validate every definition in easyread/ and the pages it makes; exits 1 naming each fault."""
    definitions, problems = _check_surveys()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    for definition in definitions:
        click.echo(
            f"ok  {definition.slug} v{definition.version}: {len(definition.questions)} questions"
        )


@surveys_cli.command("load")
def surveys_load() -> None:
    """Store new survey versions from easyread/ (checked first; stored versions never change)."""
    for line in _check_and_store_surveys():
        click.echo(line)


users_cli = click.Group("users", help="Staff accounts.")


@users_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.password_option(help="Asked for if not given; at least 12 characters.")
def users_add(email: str, role: str, password: str) -> None:
    """Add a staff account: pcv_rep, officer or admin."""
    try:
        user = auth_service.create_user(email, password, role)
    except auth_service.AccountError as error:
        raise click.ClickException(str(error)) from error
    audit.record("add user", f"{user.email} as {user.role}")
    click.echo(f"added {user.email} as {user.role}")


feedback_cli = click.Group("feedback", help="The feedback tab's counts.")


@feedback_cli.command("recount")
def feedback_recount() -> None:
    """Rebuild the answer tally from the stored answers (after a bulk load or a repair)."""
    click.echo(f"answer tally rebuilt: {answer_tally.recount():,} rows")


retention_cli = click.Group("retention", help="Delete what sefvoice no longer needs to keep.")


@retention_cli.command("run")
def retention_run() -> None:
    """Delete unfinished responses, old free text and unconfirmed uploads past their keeping
    times. Safe to run from cron, as often as you like."""
    days = current_app.config["UNFINISHED_RESPONSE_DAYS"]
    deleted = retention.delete_expired_responses(days)
    click.echo(f"deleted {deleted} unfinished responses older than {days} days")
    text_days = current_app.config["FREE_TEXT_DAYS"]
    blanked = retention.delete_old_free_text(text_days)
    click.echo(f"deleted the free text of {blanked} answers sent more than {text_days} days ago")
    hash_days = current_app.config["SOURCE_HASH_DAYS"]
    hashes = retention.delete_old_source_hashes(hash_days)
    click.echo(f"deleted the source hash of {hashes} responses sent more than {hash_days} days ago")
    click.echo(f"deleted {uploads.forget_expired()} uploads never confirmed")


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop, without serving.")
@click.option("--reset", is_flag=True, help="Delete the SQLite database first and start afresh.")
@click.option("--port", default=5000, show_default=True)
def demo(no_serve: bool, reset: bool, port: int) -> None:
    """Migrate the database, load the surveys and demo data, and serve on 127.0.0.1."""
    from .demo import (
        NotADemoDatabase,
        demo_accounts,
        load_demo_data,
        mark_as_demo,
        publish_demo_terms,
    )

    url = db.engine.url
    if reset and url.get_backend_name() == "sqlite" and url.database:
        db.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade(directory=current_app.extensions["migrate"].directory)
    try:
        mark_as_demo()
    except NotADemoDatabase as error:
        raise click.ClickException(str(error)) from error
    # Without the easy-read rules, which take half the demo's start: CI checks the
    # shipped surveys with them (`sefvoice surveys check`), and `surveys load` applies them.
    for line in _check_and_store_surveys(easy_read=False):
        click.echo(line)
    for line in load_demo_data():
        click.echo(line)
    click.echo(load_demo_bulletin())
    for line in publish_demo_terms():
        click.echo(line)
    click.echo("\nDemo sign-ins (new passwords each time the demo starts), at /sign-in:")
    for email, role, password in demo_accounts():
        click.echo(f"  {ROLE_NAMES[role]:<24} {email:<24} password: {password}")
    if not no_serve:
        # The jobs' worker (one machine: its queue is a SQLite file), as production runs it;
        # its log (stderr) shows here. It stops with the demo, even one killed outright.
        worker = subprocess.Popen(
            [sys.executable, "-m", "sefvoice", "worker"],
            stdout=subprocess.DEVNULL,
            preexec_fn=_stop_with_parent,
        )
        try:
            serve(current_app._get_current_object(), port)
        finally:
            worker.terminate()
            worker.wait()


@click.command("worker")
@click.option("--threads", default=1, show_default=True, help="Jobs run at once.")
@click.option(
    "--nice",
    default=10,
    show_default=True,
    help="Lower the worker's CPU priority by this much, so pages on the same machine stay quick.",
)
def worker(threads: int, nice: int) -> None:
    """Run the jobs (paper copies, bulletin PDFs, large imports, release audits) until
    stopped (Ctrl+C or SIGTERM). Run one or more on any machine that reaches the database
    and the queue; a job whose worker stopped runs again on the next one to start."""
    queue = job_queue()
    if queue.huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run inside the web requests")
    if nice:
        os.nice(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    queue.sweep()  # jobs a worker on this machine was running when it stopped
    click.echo(f"sefvoice worker: {threads} at once, pid {os.getpid()} (Ctrl+C to stop)")
    queue.consumer(threads).run()


def _stop_with_parent() -> None:
    """In the demo's worker, before it starts: Linux sends it SIGTERM when the demo ends."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def serve(app: Flask, port: int) -> None:
    """Serve on 127.0.0.1 until Ctrl+C, with werkzeug's threaded server (Flask's app.run()
    does nothing inside the flask command). The address is printed once it is listening."""
    try:
        server = make_server("127.0.0.1", port, app, threaded=True)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror}); try --port with another number"
        ) from error
    # Ctrl+C (SIGINT) and SIGTERM both stop it cleanly. SIGINT is set afresh because a
    # shell starting a command in the background (`sefvoice demo &`) leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    click.echo(f"sefvoice demo: open http://127.0.0.1:{server.server_port}/ (Ctrl+C to stop)")
    server.serve_forever()  # returns on KeyboardInterrupt, with the socket closed
    click.echo("sefvoice demo: stopped")


def register(app: Flask) -> None:
    app.cli.add_command(surveys_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(feedback_cli)
    app.cli.add_command(indicators_cli)
    app.cli.add_command(bulletin_cli)
    release_cli.add_command(release_publish)
    app.cli.add_command(release_cli)
    app.cli.add_command(demo)
    app.cli.add_command(worker)
