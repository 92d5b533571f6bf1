"""caseflow: case management for keeping children in school."""
from __future__ import annotations

from flask import Flask

from caseflow.config import PROJECT_ROOT, load_config
from caseflow.core.logging import configure as configure_logging


def create_app(overrides: dict | None = None, *, testing: bool = False) -> Flask:
    """Build the application: config → extensions → guard → blueprints → CLI."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    if overrides and "INSTANCE_PATH" in overrides:
        app.instance_path = overrides["INSTANCE_PATH"]
    load_config(app, testing=testing, overrides=overrides)
    configure_logging()
    _trust_proxies(app)
    _init_extensions(app)
    _register(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Take the client address from X-Forwarded-For as set by the configured reverse proxies."""
    count = int(app.config["TRUSTED_PROXY_COUNT"])
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count)


def _init_extensions(app: Flask) -> None:
    from caseflow.audit.services import install as install_audit
    from caseflow.core import i18n
    from caseflow.crypto.keyring import load_keyring
    from caseflow.extensions import babel, csrf, db, login_manager
    from caseflow.people.auth.sessions import install as install_sessions

    app.extensions["caseflow.keyring"] = load_keyring(app)
    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone,
                   default_domain="messages",
                   default_translation_directories=str(PROJECT_ROOT / "caseflow" / "translations"))
    login_manager.init_app(app)
    install_sessions(app, login_manager)
    install_audit()
    i18n.install(app)
    if app.config["ENV_MODE"] == "sqlite" or app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_pragmas(app)


def _sqlite_pragmas(app: Flask) -> None:
    """Enforce foreign keys and wait for locks instead of failing at once on SQLite."""
    from sqlalchemy import event

    from caseflow.extensions import db

    synchronous = app.config["SQLITE_SYNCHRONOUS"]  # validated: FULL, NORMAL or OFF

    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.close()


def _register(app: Flask) -> None:
    from caseflow.access import rls
    from caseflow.actions.views import bp as actions_bp
    from caseflow.audit.cli import audit_cli
    from caseflow.audit.views import bp as audit_bp
    from caseflow.backup.cli import backup_cli
    from caseflow.cases.views import bp as cases_bp
    from caseflow.concerns.views import bp as concerns_bp
    from caseflow.core import errors, guard, ratelimit, security, transactions
    from caseflow.core.migrate import db_cli
    from caseflow.core.templating import install as install_templating
    from caseflow.core.views import bp as core_bp
    from caseflow.crypto.cli import keys_cli
    from caseflow.demo.cli import demo_cli
    from caseflow.emergency.views import bp as emergency_bp
    from caseflow.exports.views import bp as exports_bp
    from caseflow.imports.cli import imports_cli
    from caseflow.imports.views import bp as imports_bp
    from caseflow.inforequests.views import bp as inforequests_bp
    from caseflow.meetings.views import bp as meetings_bp
    from caseflow.monitoring import figure_views, plan_views, report_views  # noqa: F401 — their routes join the monitoring blueprint
    from caseflow.monitoring.cli import monitoring_cli
    from caseflow.monitoring.views import bp as monitoring_bp
    from caseflow.notify.cli import worker_command
    from caseflow.people.admin.views import bp as admin_bp
    from caseflow.people.auth.views import bp as auth_bp
    from caseflow.plans.views import bp as plans_bp
    from caseflow.pupils.views import bp as pupils_bp
    from caseflow.records.cli import records_cli
    from caseflow.records.views import bp as records_bp
    from caseflow.sharing.views import bp as sharing_bp
    from caseflow.warning.views import bp as warning_bp

    guard.install(app)
    rls.install(app)  # after the guard: keys the request's transactions with its actor (PostgreSQL)
    transactions.install(app)
    security.install(app)
    errors.install(app)
    install_templating(app)
    for bp in (core_bp, auth_bp, admin_bp, pupils_bp, audit_bp, cases_bp, concerns_bp, plans_bp,
               meetings_bp, actions_bp, sharing_bp, records_bp, emergency_bp, inforequests_bp, exports_bp,
               imports_bp, warning_bp, monitoring_bp):
        app.register_blueprint(bp)
    ratelimit.install(app)  # after the guard and the blueprints: keys by the signed-in user, wraps marked views
    db_cli.add_command(rls.grant_web_role_command)
    for command in (audit_cli, keys_cli, demo_cli, worker_command, db_cli, records_cli, imports_cli,
                    monitoring_cli, backup_cli):
        app.cli.add_command(command)
