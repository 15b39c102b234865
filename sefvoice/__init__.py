"""sefvoice: accessible easy-read surveys and co-production feedback for a SEND partnership."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from . import ratelimits, urls
from .assets import add_fingerprints
from .cookie_session import SessionInterface
from .database import (
    LOST_AFTER_THE_PAGE,
    check_migrated,
    replace_dropped_connections,
    tune_sqlite,
)
from .extensions import csrf, db, login_manager, migrate
from .security import add_security_headers
from .terms import TermCalendar
from .words import plural


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides the settings read from the environment."""
    app = Flask(
        __name__,
        template_folder=str(settings.TEMPLATES_DIR),
        static_folder=str(settings.STATIC_DIR),
        instance_path=str(settings.INSTANCE_DIR),
    )
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    app.config["SECRET_KEY"] = settings.secret_key(
        app.config["SECRET_KEY"], app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path)
    )
    TermCalendar(app.config["TERMS"], app.config["TIMEZONE"])  # a bad setting stops start-up
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["plural"] = plural  # {{ count|plural('comment') }}: "1 comment"
    app.session_interface = SessionInterface()

    db.init_app(app)
    _end_sessions_safely(app)
    migrate.init_app(app, db, directory=str(settings.MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    ratelimits.init_app(app)
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"])
    with app.app_context():
        tune_sqlite(db.engine)
        replace_dropped_connections(db.engine)
        if app.config["CHECK_MIGRATED"]:
            check_migrated(db.engine)

    from . import cli, models  # noqa: F401  (models: every table known to Alembic)
    from .about import bp as about_bp
    from .auth import bp as auth_bp
    from .bulletin import bp as bulletin_bp
    from .bursts import bp as bursts_bp
    from .feedback import bp as feedback_bp
    from .indicators import bp as indicators_bp
    from .jobs import bp as jobs_bp
    from .jobs import init_app as init_jobs
    from .manage import bp as manage_bp
    from .paper import bp as paper_bp
    from .publishing.views import bp as publishing_bp
    from .release.views import bp as release_bp
    from .surveys import bp as surveys_bp

    app.register_blueprint(surveys_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(bulletin_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(paper_bp)
    app.register_blueprint(bursts_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(release_bp)
    init_jobs(app)
    app.register_blueprint(about_bp)
    app.register_blueprint(publishing_bp)
    cli.register(app)
    _register_error_pages(app)
    add_security_headers(app)
    add_fingerprints(app)
    urls.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        from .auth import sessions

        user = sessions.user_for(session.get("staff_session"), int(user_id))
        if user is None:  # ended, idle, too old or disabled: forget it, so it is asked once
            session.pop("_user_id", None)
            session.pop("staff_session", None)
        return user

    @app.context_processor
    def page_context() -> dict[str, Any]:
        from .auth import has_role
        from .surveys.views import wants_large_display

        return {"large_display": wants_large_display(), "has_role": has_role}

    return app


def _end_sessions_safely(app: Flask) -> None:
    """Close each request's session, even if the database went away after the request's
    work was done. Closing rolls back, and on a dead connection that raises, after the
    response is made: the respondent would get a bare 500 for an answer that was stored.
    (Registered after db.init_app, so it runs before Flask-SQLAlchemy's own teardown.)"""

    @app.teardown_appcontext
    def end_session(_error: BaseException | None) -> None:
        _discard_session(app, LOST_AFTER_THE_PAGE)


def _discard_session(app: Flask, warning: str) -> None:
    """Close and drop this thread's session; closing rolls back, which raises on a dead
    connection, and then the session is dropped without it (the next request gets a new one)."""
    try:
        db.session.remove()
    except DBAPIError as error:
        app.logger.warning("%s: %s", warning, type(error.orig or error).__name__)
        db.session.registry.clear()


def _register_error_pages(app: Flask) -> None:
    """Plain-words error pages. None of them touches what a respondent has saved."""

    def page(status: int, description: str | None = None):
        return render_template("errors/error.html", status=status, reason=description), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return page(400, "csrf")

    @app.errorhandler(SecurityError)
    def unknown_host(error: SecurityError):
        # A host not in TRUSTED_HOSTS: no address can be built for it, so no page either.
        return "This site does not answer to that host name.", 400, {"Content-Type": "text/plain"}

    for status in (400, 403, 404, 405, 410, 413, 429, 500):
        app.register_error_handler(
            status, lambda error, status=status: page(status, getattr(error, "description", None))
        )

    # The database is down, locked, read-only, full or dropped the connection: none of these
    # is the respondent's fault and all pass, so say "try again" (503), not "went wrong" (500).
    # Programming errors (IntegrityError, ProgrammingError, DataError) still reach the 500 page.
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(InternalError)  # PostgreSQL: a read-only transaction or a standby
    @app.errorhandler(PoolTimeoutError)  # every pooled connection busy for too long
    def database_unavailable(error: Exception):
        cause = getattr(error, "orig", None)
        app.logger.error(
            "database unavailable: %s%s on %s %s",
            type(error).__name__,
            f" ({type(cause).__module__}.{type(cause).__name__})" if cause is not None else "",
            request.method,
            request.path,
        )
        try:
            # The failed transaction must not leak into the next request on this thread.
            db.session.rollback()
        except Exception:  # the connection is gone: throw the session away instead
            _discard_session(app, "could not roll back after the database failed")
        # "Try again" goes back to the page the form was on, built from the route (not the
        # raw path, which could be made to point off the site).
        retry = url_for(request.endpoint, **request.view_args) if request.endpoint else None
        try:
            body = render_template("errors/error.html", status=503, reason="database", retry=retry)
        except Exception:  # the page itself needed the database (a signed-in staff member)
            body = DATABASE_UNAVAILABLE_TEXT
        return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE_TEXT = (
    "We could not save that just now. Your earlier answers are safe. Please try again."
)
