"""Benchmark: an officer clears the demo's comment queue in Chromium, and the actions it takes.

    python bench/moderation.py                 # the demo as loaded: earlier terms moderated
    python bench/moderation.py --all-waiting   # every demo comment waiting, no theme known
    python bench/moderation.py --screenshots /tmp/queue   # also the queue at 320 and 1280 px

Loads the demo into a new SQLite database, serves it on 127.0.0.1, signs an officer in, and
clears the queue as an officer would: on the queue page, for each group of similar
comments, read them (the redaction is on the page beside what was typed), type the theme if
the suggested one is not right (one action), and press "Approve ticked" (one action). The
theme the officer would choose is the one demo-comments.yaml gives each comment. An action is
a click or a typed field; reading and the page loading after a click are not actions.
Prints the comments cleared, the actions, actions per comment and the time taken.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import delete
from werkzeug.serving import WSGIRequestHandler, make_server

from sefvoice import create_app
from sefvoice.auth import service as auth_service
from sefvoice.config import EASYREAD_DIR, STATIC_DIR
from sefvoice.definitions import load_charter, load_survey_file, survey_files
from sefvoice.demo import demo_comment_list, load_demo_data, mark_as_demo
from sefvoice.extensions import db
from sefvoice.feedback.comments import count_pending
from sefvoice.feedback.redaction import redact
from sefvoice.models import CommentReview
from sefvoice.surveys import versions as survey_versions

CHROMIUM = "/usr/bin/chromium"
EMAIL, PASSWORD = "officer@example.org", "correct horse battery"


class Quiet(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        pass


def demo_app(folder: Path, all_waiting: bool):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
            "SECRET_KEY": "bench",
            "CHECK_MIGRATED": False,
            "SIGN_IN_LIMIT": "1000 per minute",
        }
    )
    app.instance_path = str(folder)
    easyread = EASYREAD_DIR
    charter = load_charter(easyread)
    with app.app_context():
        upgrade()
        mark_as_demo()
        survey_versions.store_definitions(
            [load_survey_file(p, charter, STATIC_DIR) for p in survey_files(easyread)]
        )
        load_demo_data()
        if all_waiting:
            db.session.execute(delete(CommentReview))
            db.session.commit()
        auth_service.create_user(EMAIL, PASSWORD, "officer")
        waiting = count_pending()
        db.session.remove()
    return app, waiting


def clear_queue(page: Page, themes: dict[str, str]) -> tuple[int, int]:
    """Clear the queue group by group; returns (comments approved, actions)."""
    approved = actions = 0
    page.goto("/feedback/comments")
    while page.locator("form.comment-group").count():
        group = page.locator("form.comment-group").first
        ticked = group.locator("input[name=answer_id]:checked").count()
        shown = group.locator(".comment__text").first.inner_text()  # what reps will see
        wanted = themes[shown]
        theme = group.locator("input[name=theme]")
        if theme.input_value() != wanted:
            theme.fill(wanted)
            actions += 1
        group.get_by_role("button", name="Approve ticked").click()
        actions += 1
        page.wait_for_load_state()
        approved += ticked
    return approved, actions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all-waiting", action="store_true", help="no comment moderated yet")
    parser.add_argument("--screenshots", type=Path, help="save the queue at 320 and 1280 px")
    args = parser.parse_args()
    themes = {redact(c.text): c.theme for c in demo_comment_list()}
    with tempfile.TemporaryDirectory() as folder:
        app, waiting = demo_app(Path(folder), args.all_waiting)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(base_url=f"http://127.0.0.1:{server.server_port}")
            page.goto("/sign-in")
            page.fill("#email", EMAIL)
            page.fill("#password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                for width in (320, 1280):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto("/feedback/comments")
                    page.screenshot(path=args.screenshots / f"queue-{width}.png", full_page=True)
                page.set_viewport_size({"width": 1280, "height": 900})
            started = time.perf_counter()
            approved, actions = clear_queue(page, themes)
            seconds = time.perf_counter() - started
            browser.close()
        server.shutdown()
        with app.app_context():
            left = count_pending()
    print(f"waiting at the start: {waiting}; approved: {approved}; still waiting: {left}")
    print(f"actions: {actions}; actions per comment: {actions / max(approved, 1):.2f}")
    print(f"time in the browser: {seconds:.1f} s")
    return 0 if left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
