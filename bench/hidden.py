"""How many figures each test term's published release hides.

    python bench/hidden.py

For each term of tests/release_terms.py (built as the app stores responses, on a fresh
SQLite database each, then published), prints the figures shown as not a number ("hidden",
"too few answers", each counted too) and the figures in all (release_terms.hidden_labels
says which count); and, for the latest version, how many counts and % positive the
protection hid beyond the first rules (to protect others: each also hides the % beside it
in its table). The revised term has a row per version.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from flask_migrate import upgrade  # noqa: E402

from sefvoice import create_app  # noqa: E402
from sefvoice.config import EASYREAD_DIR, STATIC_DIR  # noqa: E402
from sefvoice.definitions import load_charter, load_survey_file, survey_files  # noqa: E402
from sefvoice.extensions import db  # noqa: E402
from sefvoice.surveys import versions as survey_versions  # noqa: E402
from tests import release_terms as terms  # noqa: E402


def _app(folder: str, name: str):
    url = f"sqlite:///{Path(folder) / name}.db"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "CHECK_MIGRATED": False, "SECRET_KEY": "bench"}
    )
    app.instance_path = folder
    charter = load_charter(EASYREAD_DIR)
    with app.app_context():
        upgrade()
        survey_versions.store_definitions(
            [load_survey_file(path, charter, STATIC_DIR) for path in survey_files(EASYREAD_DIR)]
        )
    return app


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="sefvoice-hidden-") as folder:
        for index, (name, build) in enumerate(terms.SCENARIOS.items()):
            app = _app(folder, f"term{index}")
            started = time.perf_counter()
            published = build(app)
            seconds = time.perf_counter() - started
            versions = len(published.audits)
            further = terms.hidden_further(app, published.term)
            for version in range(1, versions + 1):
                labels, figures = terms.hidden_labels(app, published.term, version)
                label = name if versions == 1 else f"{name} (version {version})"
                rows.append(
                    (label, labels, figures, further if version == versions else None, seconds)
                )
            with app.app_context():
                db.engine.dispose()
    width = max(len(r[0]) for r in rows)
    kinds = terms.HIDDEN_LABELS
    print(
        f"{'scenario':<{width}} | hidden | of figures | "
        + " | ".join(kinds)
        + " | hidden further | seconds to build and publish"
    )
    dashes = "|".join("-" * (len(k) + 2) for k in kinds)
    print(f"{'-' * width}-|--------|------------|{dashes}|----------------|-------------")
    for label, labels, figures, further, seconds in rows:
        split = " | ".join(f"{labels[k]:>{len(k)}}" for k in kinds)
        print(
            f"{label:<{width}} | {sum(labels.values()):>6} | {figures:>10} | {split}"
            f" | {'' if further is None else further:>14} | {seconds:>6.0f}"
        )


if __name__ == "__main__":
    main()
