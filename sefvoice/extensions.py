"""Flask extensions, created once and bound to the app in create_app."""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from . import ratelimit_storage  # noqa: F401  (registers sefvoice-memory:// with limits)


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
# Counts are kept in memory per process unless SEFVOICE_RATELIMIT_STORAGE names a shared
# store (redis://...), which production with several gunicorn workers should use.
limiter = Limiter(key_func=get_remote_address)
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see that page."


def limit(setting: str) -> str:
    """A rate limit named in config, read when the request comes (so tests can set it)."""
    return current_app.config[setting]
