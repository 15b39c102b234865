"""Settings, read from the environment (SEFVOICE_*) with safe defaults for the demo."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from sqlalchemy import make_url

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/, static/, easyread/ and migrations/ sit at the top of a checkout (and so of an
# editable install); a built wheel carries them inside the package, under resources/.
INSTALLED = (PACKAGE_DIR / "resources").is_dir()
RESOURCES_DIR = PACKAGE_DIR / "resources" if INSTALLED else PACKAGE_DIR.parent
TEMPLATES_DIR = RESOURCES_DIR / "templates"
STATIC_DIR = RESOURCES_DIR / "static"
EASYREAD_DIR = RESOURCES_DIR / "easyread"
MIGRATIONS_DIR = RESOURCES_DIR / "migrations"
# A checkout keeps its instance folder (git-ignored) beside the code; an installed package
# keeps it where Flask puts an installed app's: <prefix>/var/sefvoice-instance.
DEFAULT_INSTANCE_DIR = (
    Path(sys.prefix) / "var" / "sefvoice-instance" if INSTALLED else PACKAGE_DIR.parent / "instance"
)
INSTANCE_DIR = Path(os.environ.get("SEFVOICE_INSTANCE_DIR", DEFAULT_INSTANCE_DIR))


class SettingError(RuntimeError):
    """A setting is missing or wrong, so the app must not start."""


MISSING_SECRET_KEY = (
    "SEFVOICE_SECRET_KEY is not set. On PostgreSQL sefvoice may run as several app servers,"
    " and every one must sign sessions and forms with the same secret key: set"
    " SEFVOICE_SECRET_KEY to the same long random value on each, and keep it secret. Make one"
    " with: python3 -c 'import secrets; print(secrets.token_hex(32))'"
)


def secret_key(configured: str | None, database_url: str, instance_dir: Path) -> str:
    """The key that signs sessions and CSRF tokens: the one configured, or for SQLite (the
    demo, one server) one kept in the instance folder so sessions survive restarts. On any
    other database it must be configured: a key on one server's disk would sign cookies the
    other servers refuse."""
    if configured:
        return configured
    if make_url(database_url).get_backend_name() != "sqlite":
        raise SettingError(MISSING_SECRET_KEY)
    key_file = instance_dir / "secret-key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def from_environment() -> dict:
    """The app's settings. Anything here can be overridden by create_app(config)."""
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "SEFVOICE_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'sefvoice.db'}"
        ),
        "SECRET_KEY": os.environ.get("SEFVOICE_SECRET_KEY") or None,  # see secret_key()
        "EASYREAD_DIR": os.environ.get("SEFVOICE_EASYREAD_DIR", str(EASYREAD_DIR)),
        # Unfinished responses are deleted this many days after their last saved answer.
        "UNFINISHED_RESPONSE_DAYS": int(os.environ.get("SEFVOICE_UNFINISHED_RESPONSE_DAYS", "30")),
        # What respondents typed is blanked this many days after they sent it.
        "FREE_TEXT_DAYS": int(os.environ.get("SEFVOICE_FREE_TEXT_DAYS", "730")),
        "TEXT_ANSWER_MAX_LENGTH": 2000,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,  # the largest upload (indicator files)
        # The largest form field that is not a file: a survey definition (1 MB at most)
        # comes back as text with the form that publishes it.
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024 + 64 * 1024,
        # Disclosure control: counts below MIN_COUNT are not shown ("hidden"); percentages
        # need at least MIN_BASE people answering.
        "DISCLOSURE_MIN_COUNT": int(os.environ.get("SEFVOICE_DISCLOSURE_MIN_COUNT", "5")),
        "DISCLOSURE_MIN_BASE": int(os.environ.get("SEFVOICE_DISCLOSURE_MIN_BASE", "10")),
        # Terms: name=month-day each starts (the 1st of a month); each runs until the next.
        "TERMS": os.environ.get("SEFVOICE_TERMS", "Spring=01-01,Summer=05-01,Autumn=09-01"),
        # Terms and the tally's months follow the dates in this time zone (IANA name).
        "TIMEZONE": os.environ.get("SEFVOICE_TIMEZONE", "Europe/London"),
        "TREND_TERMS": 6,
        # Rate limits per client (the `limits` library's syntax; sefvoice.ratelimits).
        # Counts shared by every worker and server: Redis when SEFVOICE_REDIS_URL names one.
        # sefvoice-memory:// is limits' memory:// without a thread per count (sefvoice.ratelimits).
        "RATELIMIT_STORAGE_URI": os.environ.get("SEFVOICE_RATELIMIT_STORAGE")
        or os.environ.get("SEFVOICE_REDIS_URL")
        or "sefvoice-memory://",
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
        # Officers see this many sends from one source, each within this many minutes of the
        # one before, as a burst (sefvoice.bursts).
        "BURST_MIN_SENDS": int(os.environ.get("SEFVOICE_BURST_MIN_SENDS", "10")),
        "BURST_GAP_MINUTES": int(os.environ.get("SEFVOICE_BURST_GAP_MINUTES", "10")),
        # The hash of where a response came from is blanked this many days after it was sent.
        "SOURCE_HASH_DAYS": int(os.environ.get("SEFVOICE_SOURCE_HASH_DAYS", "90")),
        # Jobs (sefvoice.jobs): where their queue lives. Several servers share Redis; alone,
        # a SQLite file in the instance folder. SEFVOICE_QUEUE_URL chooses (redis:// or sqlite:///).
        "QUEUE_URL": os.environ.get("SEFVOICE_QUEUE_URL") or None,
        "REDIS_URL": os.environ.get("SEFVOICE_REDIS_URL") or None,
        "JOBS_IMMEDIATE": False,  # True: a job runs inside the request that starts it (tests)
        # An indicator file larger than this is imported by a worker, with a progress page.
        "IMPORT_JOB_BYTES": int(os.environ.get("SEFVOICE_IMPORT_JOB_BYTES", str(256 * 1024))),
        # Who runs the service and how a respondent gets help, shown on every respondent
        # page (header, footer, help, privacy, accessibility and cookies pages). The demo's
        # values are made up: set each for your partnership.
        "PARTNERSHIP_NAME": os.environ.get(
            "SEFVOICE_PARTNERSHIP_NAME", "Riverside Family Partnership"
        ),
        "HELP_PHONE": os.environ.get("SEFVOICE_HELP_PHONE", "01632 960 123"),
        "HELP_HOURS": os.environ.get("SEFVOICE_HELP_HOURS", "Monday to Friday, 9am to 5pm"),
        "HELP_EMAIL": os.environ.get("SEFVOICE_HELP_EMAIL", "help@example.org"),
        "PRIVACY_EMAIL": os.environ.get("SEFVOICE_PRIVACY_EMAIL", "privacy@example.org"),
        # When the accessibility statement's checks were last made (words, like "May 2026").
        "ACCESSIBILITY_CHECKED": os.environ.get("SEFVOICE_ACCESSIBILITY_CHECKED", "December 2026"),
        # Where the easy-read results (the bulletin's easy-read edition) are published.
        "RESULTS_URL": os.environ.get(
            "SEFVOICE_RESULTS_URL", "https://www.example.org/what-you-told-us"
        ),
        # Local people a young person can talk to, shown beside Childline where a survey
        # asks (its `support`): "name=phone;name=phone".
        "SUPPORT_CONTACTS": os.environ.get(
            "SEFVOICE_SUPPORT_CONTACTS", "Riverside youth support team=01632 960 456"
        ),
        # Where the public reaches the site (scheme and host, like https://voice.example.org):
        # share links, QR codes and PDFs use it, never a request's Host header, and requests
        # for any other host are refused (sefvoice.urls). SEFVOICE_TRUSTED_HOSTS: more host
        # names to answer to (comma-separated), such as the one a health check uses.
        "PUBLIC_URL": os.environ.get("SEFVOICE_PUBLIC_URL") or None,
        "EXTRA_TRUSTED_HOSTS": os.environ.get("SEFVOICE_TRUSTED_HOSTS", ""),
        "CHECK_MIGRATED": True,
        "WTF_CSRF_TIME_LIMIT": None,  # a parent may leave a page open for hours
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # Secure cookies go over HTTPS only: on in production (SEFVOICE_SECURE_COOKIES=1),
        # off for the demo on http://127.0.0.1.
        "SESSION_COOKIE_SECURE": os.environ.get("SEFVOICE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("SEFVOICE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
    }
