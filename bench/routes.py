"""Benchmark: the CPU each page costs on the demo's data, to find the slowest routes.

    python bench/routes.py                  # a fresh SQLite database with the demo loaded
    python bench/routes.py --database postgresql+psycopg://postgres@127.0.0.1/bench

Loads the demo (`sefvoice demo --no-serve`: surveys, responses, measures, the Summer 2023
bulletin), signs in as an admin through Flask's test client in this process, and follows every
link the staff and respondent pages offer (GET only, at most --per-route pages for each
route), timing each request's CPU (process time) and wall time. Then it times the requests
that start the longest work: a batch of 5,000 large-print copies and both bulletin PDFs
(queued for a worker, which is not running here). It prints the slowest --top requests and
exits 1 if any spent more than 2 s of CPU (the goal: no web request does).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from fresh import fresh_database

from sefvoice import create_app
from sefvoice.auth import service as auth_service
from sefvoice.extensions import db

GOAL_CPU = 2.0
ADMIN, PASSWORD = "bench-admin@example.org", "a long bench password"
LINK = re.compile(r'href="(/[^"#]*)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SEEDS = [
    "/",
    "/feedback/",
    "/indicators/",
    "/bulletins/",
    "/paper/",
    "/surveys/manage/",
    "/jobs/",
    "/admin/users",
    "/responses/bursts",
]
SKIP = ("/static/", "/sign-out")


def timed(client, method: str, url: str, **kwargs) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    reply = client.open(url, method=method, **kwargs)
    reply.get_data()
    return time.process_time() - cpu, time.perf_counter() - wall, reply


def crawl(app, client, per_route: int) -> list[tuple[float, float, str, str, int]]:
    """(CPU s, wall s, endpoint, url, status) for every page reached by following links."""
    seen, queue, measured = set(SEEDS), list(SEEDS), []
    per_endpoint: dict[str, int] = defaultdict(int)
    adapter = app.url_map.bind("localhost")
    while queue:
        url = queue.pop(0)
        path = url.split("?")[0]
        try:
            endpoint = adapter.match(path, method="GET")[0]
        except Exception:  # noqa: BLE001 (a link to a page that only takes POST)
            continue
        if per_endpoint[endpoint] >= per_route:
            continue
        per_endpoint[endpoint] += 1
        cpu, wall, reply = timed(client, "GET", url)
        measured.append((cpu, wall, endpoint, url, reply.status_code))
        if reply.mimetype == "text/html":
            for link in LINK.findall(reply.get_data(as_text=True)):
                link = link.replace("&amp;", "&")
                if link not in seen and not link.startswith(SKIP):
                    seen.add(link)
                    queue.append(link)
    return measured


def starts(client) -> list[tuple[float, float, str, str, int]]:
    """The requests that start the longest work, queueing it."""
    measured = []
    page = "/paper/parent-carer-annual/print"
    token = CSRF.search(client.get(page).get_data(as_text=True))[1]
    data = {"csrf_token": token, "copies": "5000", "large_print": "y"}
    cpu, wall, reply = timed(client, "POST", page, data=data)
    measured.append((cpu, wall, "paper.print_copies", f"POST {page} (5,000)", reply.status_code))
    for edition in ("bulletin", "easy-read"):
        url = f"/bulletins/summer-2023/{edition}.pdf"
        cpu, wall, reply = timed(client, "GET", url)
        measured.append((cpu, wall, "bulletin.download", url, reply.status_code))
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is wiped)")
    parser.add_argument("--per-route", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database, Path(folder) / "bench-routes.db")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SEFVOICE_")},
            "SEFVOICE_DATABASE_URL": url,
            "SEFVOICE_SECRET_KEY": "bench",
            "SEFVOICE_INSTANCE_DIR": folder,
        }
        subprocess.run(
            [sys.executable, "-m", "sefvoice", "demo", "--no-serve"],
            env=env,
            check=True,
            capture_output=True,
        )
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "QUEUE_URL": f"sqlite:///{Path(folder) / 'queue.db'}",
            }
        )
        app.instance_path = folder
        with app.app_context():
            auth_service.create_user(ADMIN, PASSWORD, "admin")
        client = app.test_client()
        token = CSRF.search(client.get("/sign-in").get_data(as_text=True))[1]
        client.post("/sign-in", data={"csrf_token": token, "email": ADMIN, "password": PASSWORD})
        crawl(app, client, 1)  # warm-up: templates compiled, fonts and pictures read
        measured = crawl(app, client, args.per_route) + starts(client)
        with app.app_context():
            db.engine.dispose()
    measured.sort(reverse=True)
    endpoints = {endpoint for _cpu, _wall, endpoint, _url, _status in measured}
    print(f"{len(measured)} requests to {len(endpoints)} routes; the slowest by CPU:")
    print(f"  {'CPU':>7} {'wall':>7}  status  route, page")
    for cpu, wall, endpoint, url, status in measured[: args.top]:
        print(f"  {cpu * 1000:5.0f} ms {wall * 1000:5.0f} ms  {status}     {endpoint}, {url}")
    worst = measured[0][0]
    met = worst <= GOAL_CPU
    print(
        f"goal: no request over {GOAL_CPU:.0f} s of CPU: {'met' if met else 'NOT met'}"
        f" (the most: {worst:.2f} s)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
