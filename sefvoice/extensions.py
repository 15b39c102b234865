"""Flask extensions, created once and bound to the app in create_app."""

import shlex
from collections.abc import Mapping
from pathlib import Path

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints let later migrations alter tables on SQLite too (batch mode).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see that page."


def gunicorn_workers(argv: list[str], environ: Mapping[str, str]) -> int:
    """How many workers gunicorn was started with (1 when this is not gunicorn): from its
    command line, GUNICORN_CMD_ARGS or WEB_CONCURRENCY, the places gunicorn reads it from."""
    if not argv or "gunicorn" not in Path(argv[0]).name:
        return 1
    workers = int(environ.get("WEB_CONCURRENCY", "1") or 1)
    for words in (shlex.split(environ.get("GUNICORN_CMD_ARGS", "")), argv[1:]):
        for position, word in enumerate(words):
            if word in ("-w", "--workers") and position + 1 < len(words):
                workers = int(words[position + 1])
            elif word.startswith("--workers="):
                workers = int(word.split("=", 1)[1])
            elif word.startswith("-w") and word[2:].isdigit():
                workers = int(word[2:])
    return workers


def shared_limits_warning(storage: str, argv: list[str], environ: Mapping[str, str]) -> str | None:
    """A warning when several gunicorn workers would each keep their own rate-limit counts."""
    workers = gunicorn_workers(argv, environ)
    if storage.startswith(("memory://", "sefvoice-memory://")) and workers > 1:
        return (
            f"rate limits are counted in each worker's memory, so with {workers} gunicorn"
            f" workers every limit is {workers} times as high: set SEFVOICE_REDIS_URL"
            " (or SEFVOICE_RATELIMIT_STORAGE) to redis://..."
        )
    return None
