"""`sefvoice demo` as the README gives it: a real server on 127.0.0.1 until Ctrl+C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest

from sefvoice.config import PROJECT_ROOT

ADDRESS = re.compile(r"open (http://127\.0\.0\.1:\d+/)")
START_SECONDS = 60  # loading the demo takes about 3 s here; a busy machine is slower


def _read_lines(stream, lines: list[str], found: threading.Event) -> None:
    for line in stream:
        lines.append(line)
        if ADDRESS.search(line):
            found.set()
    found.set()  # the command ended without serving


@pytest.fixture
def demo_process(tmp_path: Path):
    """`sefvoice demo --port 0` (any free port) on a new SQLite file, running this checkout's
    code; yields the process, the address it printed and the output so far."""
    command = shutil.which("sefvoice")
    if command is None:
        pytest.fail("the sefvoice command is not installed (pip install -e .)")
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "SEFVOICE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "SEFVOICE_INSTANCE_DIR": str(tmp_path),
    }
    environment.pop("SEFVOICE_SECRET_KEY", None)
    process = subprocess.Popen(
        [command, "demo", "--port", "0"],
        env=environment,
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


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as reply:
        assert reply.status == 200
        return reply.read().decode()


def test_the_demo_serves_until_ctrl_c(demo_process):
    process, address, lines = demo_process
    assert address, "".join(lines)
    assert "Have your say" in _fetch(address)
    assert "Start the survey" in _fetch(address + "s/parent-carer-annual")
    assert process.poll() is None, "the demo stopped serving"
    process.send_signal(signal.SIGINT)
    assert process.wait(20) == 0, "".join(lines)
    assert "sefvoice demo: stopped" in "".join(lines)
