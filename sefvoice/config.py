"""Settings, read from the environment (SEFVOICE_*) with safe defaults for the demo."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# templates/, static/, easyread/ and migrations/ sit beside the package, at the repo's top.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SEFVOICE_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _secret_key() -> str:
    """SEFVOICE_SECRET_KEY, or a key kept in the instance folder so sessions survive restarts."""
    key = os.environ.get("SEFVOICE_SECRET_KEY")
    if key:
        return key
    key_file = INSTANCE_DIR / "secret-key"
    if not key_file.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment() -> dict:
    """The app's settings. Anything here can be overridden by create_app(config)."""
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "SEFVOICE_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sefvoice.db'}"
        ),
        "SECRET_KEY": _secret_key(),
        "EASYREAD_DIR": os.environ.get("SEFVOICE_EASYREAD_DIR", str(PROJECT_ROOT / "easyread")),
        # Unfinished responses are deleted this many days after their last saved answer.
        "UNFINISHED_RESPONSE_DAYS": int(os.environ.get("SEFVOICE_UNFINISHED_RESPONSE_DAYS", "30")),
        # What respondents typed is blanked this many days after they sent it.
        "FREE_TEXT_DAYS": int(os.environ.get("SEFVOICE_FREE_TEXT_DAYS", "730")),
        "TEXT_ANSWER_MAX_LENGTH": 2000,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,  # the largest upload (indicator files)
        # Disclosure control: counts below MIN_COUNT are shown as "fewer than 5"; percentages
        # need at least MIN_BASE people answering.
        "DISCLOSURE_MIN_COUNT": int(os.environ.get("SEFVOICE_DISCLOSURE_MIN_COUNT", "5")),
        "DISCLOSURE_MIN_BASE": int(os.environ.get("SEFVOICE_DISCLOSURE_MIN_BASE", "10")),
        # Terms: name=month-day each starts (the 1st of a month); each runs until the next.
        "TERMS": os.environ.get("SEFVOICE_TERMS", "Spring=01-01,Summer=05-01,Autumn=09-01"),
        # Terms and the tally's months follow the dates in this time zone (IANA name).
        "TIMEZONE": os.environ.get("SEFVOICE_TIMEZONE", "Europe/London"),
        "TREND_TERMS": 6,
        # Rate limits per client (flask-limiter syntax).
        # sefvoice-memory:// is limits' memory:// without a thread per count (ratelimit_storage).
        "RATELIMIT_STORAGE_URI": os.environ.get("SEFVOICE_RATELIMIT_STORAGE", "sefvoice-memory://"),
        "SIGN_IN_LIMIT": "10 per minute",
        "RESUME_LIMIT": "10 per minute",
        # A class filling it in together shares one address; a load test shares 127.0.0.1.
        "START_LIMIT": os.environ.get("SEFVOICE_START_LIMIT", "60 per minute"),
        "ANSWER_LIMIT": os.environ.get("SEFVOICE_ANSWER_LIMIT", "60 per minute"),
        # Behind a reverse proxy, how many proxies set X-Forwarded-For (for rate limits).
        "PROXY_COUNT": int(os.environ.get("SEFVOICE_PROXY_COUNT", "0")),
        # Staff sessions end after this long without a request, and this long after sign-in.
        "STAFF_IDLE_MINUTES": int(os.environ.get("SEFVOICE_STAFF_IDLE_MINUTES", "30")),
        "STAFF_SESSION_HOURS": int(os.environ.get("SEFVOICE_STAFF_SESSION_HOURS", "12")),
        "CHECK_MIGRATED": True,
        # Test each pooled connection before use, so one the database dropped (a restart, a
        # failover, an idle timeout) is replaced instead of failing the next request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": None,  # a parent may leave a page open for hours
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # Secure cookies go over HTTPS only: on in production (SEFVOICE_SECURE_COOKIES=1),
        # off for the demo on http://127.0.0.1.
        "SESSION_COOKIE_SECURE": os.environ.get("SEFVOICE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SEFVOICE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
    }
