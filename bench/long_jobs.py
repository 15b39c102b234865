"""Long jobs for `bench/load.py --jobs`: while the respondents answer, an officer prints
5,000 large-print copies and exports the bulletin's PDF, through the app, and a worker
(`sefvoice worker`, tests/cluster.py) makes them."""

from __future__ import annotations

import re

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from sefvoice import create_app
from sefvoice.auth import service as auth_service
from sefvoice.bulletin.service import load_demo_bulletin
from sefvoice.demo import load_demo_indicators
from sefvoice.extensions import db
from sefvoice.models import Job

OFFICER, PASSWORD = "bench-officer@example.org", "a long bench password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SURVEY = "parent-carer-annual"


def prepare(url: str) -> None:
    """An officer's account and the demo's Summer 2023 bulletin (with the measures its
    outcomes' headline figures name), in the load's database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        auth_service.create_user(OFFICER, PASSWORD, "officer")
        load_demo_indicators()
        load_demo_bulletin()
        db.engine.dispose()


def start(base_url: str) -> list[str]:
    """Sign in, print the batch and ask for the bulletin's PDF; the progress pages."""
    officer = requests.Session()

    def post(path: str, data: dict) -> requests.Response:
        token = CSRF.search(officer.get(base_url + path).text)[1]
        return officer.post(
            base_url + path, data={"csrf_token": token, **data}, allow_redirects=False
        )

    post("/sign-in", {"email": OFFICER, "password": PASSWORD})
    printed = post(f"/paper/{SURVEY}/print", {"copies": "5000", "large_print": "y"})
    exported = officer.get(base_url + "/bulletins/summer-2023/bulletin.pdf", allow_redirects=False)
    started = [reply.headers["Location"] for reply in (printed, exported)]
    print(f"  jobs: started {', '.join(started)}")
    return started


def report(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        for job in connection.execute(select(Job).order_by(Job.id)):
            took = (job.finished_at - job.created_at).total_seconds() if job.finished_at else None
            print(
                f"  job {job.id} {job.kind}: {job.state}"
                + (f", {took:.1f} s from queued to done" if took is not None else "")
                + (f" ({job.error})" if job.error else "")
            )
    engine.dispose()
