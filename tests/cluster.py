"""Several app servers behind nginx on 127.0.0.1, as production runs them on several machines.

Used by the multi-host test (tests/test_multihost.py) and `bench/load.py --hosts N`. Each
gunicorn server gets its own empty instance folder; nginx (Debian's, /usr/sbin/nginx) sends
the requests round robin, with no sticky sessions, and says which server answered in an
`X-Upstream` header. Everything (config, pid, logs, temporary files) lives in one folder.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
STARTUP_SECONDS = 120  # a few seconds, unless the machine is busy with other work


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path, http: bool) -> None:
    """Until the port takes connections, or with `http` until a page comes back: gunicorn
    listens before its workers have loaded the app, which on a busy machine takes a while."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if http:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=STARTUP_SECONDS):
                    pass
            else:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except urllib.error.HTTPError:  # an answer, if not a page
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} stopped: {log}\n{log.read_text()}") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{process.args[0]} did not start within {STARTUP_SECONDS} s: see {log}")


KEEP_ALIVE_SECONDS = 10


def start_gunicorn(
    app: str, chdir: Path, env: dict, log: Path, workers: int, threads: int = 1
) -> tuple[subprocess.Popen, int]:
    """gunicorn serving `app` on a free port of 127.0.0.1: the process and its port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(chdir), "--workers", str(workers)]
    if threads > 1:
        # gthread workers keep connections open between requests (a sync worker closes each);
        # longer than a person's pause on a page, or the next page finds its connection closed.
        command += ["--threads", str(threads), "--keep-alive", str(KEEP_ALIVE_SECONDS)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    server = subprocess.Popen(command, env=env, stderr=log.open("w"))
    _wait_for(port, server, log, http=True)
    return server, port


def start_worker(env: dict, folder: Path, name: str = "worker") -> subprocess.Popen:
    """`sefvoice worker` running the jobs, with its own new, empty instance folder, as on a
    machine of its own; its output goes to `folder`/`name`.log."""
    instance = folder / f"instance-{name}"
    instance.mkdir()
    log = (folder / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "sefvoice", "worker"],
        env={**env, "SEFVOICE_INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def freeze_mid_job(
    worker: subprocess.Popen, state: Callable[[], str], seconds: float = 180
) -> None:
    """Stop the worker (SIGSTOP) at a moment its job is running. It is frozen first and the
    job's state read after, twice, so an end written just before the stop has landed: what is
    read holds while the worker stays frozen, however quickly the job goes (400 copies draw
    in a third of a second, too quick to catch by watching for it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.send_signal(signal.SIGSTOP)
        first = state()
        time.sleep(0.2)
        if first == state() == "running":
            return
        assert first in ("queued", "running"), f"the job was {first} before it could be stopped"
        worker.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError(f"the worker did not start the job within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Ask a server to finish what it is doing and stop (gunicorn: SIGTERM; nginx: SIGQUIT)."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT if process.args[0] == str(NGINX) else signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def recreate_postgresql_database(url: str | URL) -> str:
    """Drop the database the URL names and make it again, empty; returns the URL."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def nginx_config(upstreams: list[str], port: int, folder: Path) -> str:
    """nginx in front of the app servers: round robin (nginx's default), no sticky sessions.

    The `upstream` and `server` blocks are what a deployment needs (README "Running on several
    servers"); the rest keeps nginx's pid, logs and temporary files in `folder`.
    """
    servers = "\n".join(f"        server {address};" for address in upstreams)
    # Run as root (as here), nginx's workers would otherwise become `nobody`, who cannot
    # write to the temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

    upstream sefvoice {{
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;  # the app's own limit (MAX_CONTENT_LENGTH) answers beyond it

        location / {{
            proxy_pass http://sefvoice;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;  # SEFVOICE_PROXY_COUNT=1
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;  # which app server answered
        }}
    }}
}}
"""


@dataclass
class Cluster:
    """N gunicorn servers and the nginx in front of them."""

    folder: Path
    url: str = ""
    servers: list[subprocess.Popen] = field(default_factory=list)
    upstreams: list[str] = field(default_factory=list)  # 127.0.0.1:port, as X-Upstream says
    instance_dirs: list[Path] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)  # each server's stderr
    nginx: subprocess.Popen | None = None
    env: dict = field(default_factory=dict)  # every server's environment
    worker: subprocess.Popen | None = None  # `sefvoice worker`, if started (start_worker)

    def stop(self) -> None:
        for process in (self.nginx, *self.servers, self.worker):
            if process is not None:
                stop(process)


def start_cluster(
    hosts: int,
    env: dict,
    folder: Path,
    workers: int,
    threads: int = 1,
    app: str = "wsgi:app",
    chdir: Path = ROOT,
) -> Cluster:
    """`hosts` gunicorn servers, each with its own new, empty instance folder, behind nginx.
    `env` is every server's environment (the shared database, Redis and secret key)."""
    cluster = Cluster(folder=folder, env=env)
    try:
        for number in range(hosts):
            instance = folder / f"instance-{number}"
            instance.mkdir()
            server_env = {**env, "SEFVOICE_INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)}
            log = folder / f"gunicorn-{number}.log"
            server, port = start_gunicorn(app, chdir, server_env, log, workers, threads)
            cluster.servers.append(server)
            cluster.upstreams.append(f"127.0.0.1:{port}")
            cluster.instance_dirs.append(instance)
            cluster.logs.append(log)
        port = free_port()
        nginx_folder = folder / "nginx"
        nginx_folder.mkdir()
        config = nginx_folder / "nginx.conf"
        config.write_text(nginx_config(cluster.upstreams, port, nginx_folder))
        log = nginx_folder / "error.log"
        cluster.nginx = subprocess.Popen(
            [str(NGINX), "-p", str(nginx_folder), "-c", str(config), "-e", str(log)]
            + ["-g", "daemon off;"],
            stderr=subprocess.STDOUT,
            stdout=(nginx_folder / "nginx.out").open("w"),
        )
        _wait_for(port, cluster.nginx, log, http=False)
        cluster.url = f"http://127.0.0.1:{port}"
    except BaseException:
        cluster.stop()
        raise
    return cluster
