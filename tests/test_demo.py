"""`sefvoice demo` as the README gives it: a real server on 127.0.0.1 until Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from sefvoice.demo import NotADemoDatabase, demo_accounts, mark_as_demo
from sefvoice.extensions import db
from sefvoice.models import AuditEvent
from sefvoice.models.demo import DEMO_ACCOUNTS

from .conftest import REPOSITORY, post_form, sign_in

ADDRESS = re.compile(r"open (http://127\.0\.0\.1:\d+/)")
SIGN_IN_LINE = re.compile(r"^  .+ (\S+@demo\.invalid) +password: (\S+)$", re.MULTILINE)
START_SECONDS = 60  # loading the demo takes about 3 s here; a busy machine is slower


def _read_lines(stream, lines: list[str], found: threading.Event) -> None:
    for line in stream:
        lines.append(line)
        if ADDRESS.search(line):
            found.set()
    found.set()  # the command ended without serving


@contextmanager
def running_demo(command: list[str], environment: dict[str, str], cwd: Path | None = None):
    """Start `command` (a `sefvoice demo --port 0`: any free port) as a shell's background job
    would (SIGINT ignored, as `sefvoice demo &` leaves it); yields the process, the address it
    printed and its output so far, and kills it at the end if it still runs."""
    process = subprocess.Popen(
        command,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    found = threading.Event()
    reader = threading.Thread(target=_read_lines, args=(process.stdout, lines, found), daemon=True)
    reader.start()
    found.wait(START_SECONDS)
    match = ADDRESS.search("".join(lines))
    try:
        yield process, match.group(1) if match else None, lines
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        reader.join(10)


@pytest.fixture
def demo_process(tmp_path: Path):
    """The demo on a new SQLite file, run by this interpreter (`python -m sefvoice`) on this
    checkout's code."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY),
        "SEFVOICE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "SEFVOICE_INSTANCE_DIR": str(tmp_path),
    }
    environment.pop("SEFVOICE_SECRET_KEY", None)
    command = [sys.executable, "-m", "sefvoice", "demo", "--port", "0"]
    with running_demo(command, environment) as demo:
        yield demo


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as reply:
        assert reply.status == 200
        return reply.read().decode()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_demo_serves_until_ctrl_c(demo_process, stop):
    process, address, lines = demo_process
    assert address, "".join(lines)
    assert "Have your say" in _fetch(address)
    assert "Start the survey" in _fetch(address + "s/parent-carer-annual")
    assert process.poll() is None, "the demo stopped serving"
    process.send_signal(stop)
    assert process.wait(20) == 0, "".join(lines)
    assert "sefvoice demo: stopped" in "".join(lines)


def test_the_demo_prints_a_sign_in_for_each_role_before_its_address(demo_process):
    process, address, lines = demo_process
    output = "".join(lines)
    assert address, output
    sign_ins = dict(SIGN_IN_LINE.findall(output))
    assert sorted(sign_ins) == sorted(email for email, _ in DEMO_ACCOUNTS)
    assert output.index("Demo sign-ins") > output.index("bulletin:")
    assert output.index("Demo sign-ins") < output.index(address)
    assert "Have your say" in _fetch(address)


def _signs_in(app, email: str, password: str) -> bool:
    reply = post_form(app.test_client(), "/sign-in", {"email": email, "password": password})
    return reply.status_code == 302


def test_demo_accounts_sign_in_and_get_new_passwords_each_time(app, client):
    with app.app_context():
        mark_as_demo()
        first = demo_accounts()
        second = demo_accounts()
        roles = {e: r for e, r, _ in second}
        audited = db.session.query(AuditEvent).filter_by(action="demo accounts").count()
    assert roles == dict(DEMO_ACCOUNTS)
    for (email, _, old), (_, _, new) in zip(first, second, strict=True):
        assert old != new and len(new) >= 16
        assert not _signs_in(app, email, old)
        assert _signs_in(app, email, new)
    assert audited == 2
    page = client.get("/sign-in").get_data(as_text=True)
    assert "This is a demo" in page
    assert all(email in page for email, _ in DEMO_ACCOUNTS)
    assert "sefvoice demo" in page


def test_a_database_that_is_not_the_demos_has_no_demo_accounts(app, client):
    assert "This is a demo" not in client.get("/sign-in").get_data(as_text=True)
    sign_in(client, "officer")
    with app.app_context():
        with pytest.raises(NotADemoDatabase):
            demo_accounts()
        with pytest.raises(NotADemoDatabase, match="will not run on it"):
            mark_as_demo()
    assert "This is a demo" not in client.get("/sign-in").get_data(as_text=True)


@pytest.mark.slow
def test_the_demo_serves_from_a_wheel_installed_in_a_new_virtualenv(tmp_path):
    """The wheel carries the templates, static files, surveys and migrations: built from this
    checkout, installed (not editable) into a virtualenv without this Python's packages, and
    started away from the checkout, the demo serves its pages. Dependencies come from pip's
    cache or index as for anyone installing it."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, REPOSITORY],
        check=True,
    )
    (wheel,) = wheels.glob("sefvoice-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "--quiet", wheel], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SEFVOICE_", "PYTHON", "VIRTUAL_ENV"))
    }
    installed = subprocess.run(
        [venv / "bin" / "python", "-c", "import sefvoice; print(sefvoice.__file__)"],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(installed).is_relative_to(venv), installed
    command = [str(venv / "bin" / "sefvoice"), "demo", "--port", "0"]
    with running_demo(command, environment, cwd=elsewhere) as (process, address, lines):
        assert address, "".join(lines)
        assert "Have your say" in _fetch(address)
        assert "Start the survey" in _fetch(address + "s/parent-carer-annual")
        assert "font" in _fetch(address + "static/css/sefvoice.css")
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0, "".join(lines)
    # The demo's database and key are in the installed app's instance folder, not the checkout.
    assert (venv / "var" / "sefvoice-instance" / "sefvoice.db").exists()
