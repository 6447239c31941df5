"""Sinergi: plan government meetings and follow up what was decided there."""

import importlib
import os

from flask import Flask, has_request_context, jsonify, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import i18n, security, static_files
from app.config import load_config
from app.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from app.tasks import celery_init_app

FEATURE_BLUEPRINTS = (
    "agenda.blueprints",
    "participants.blueprints",
    "attendance.blueprints",
    "followup.blueprints",
    "evaluation.blueprints",
)


def _migrations_dir() -> str:
    """The Alembic folder. An installed wheel carries it inside this package (setup.py copies
    the checkout's top-level ``migrations/`` to ``app/migrations`` when it builds), so a site
    can run `flask db upgrade` without a top-level ``migrations`` in site-packages; in a
    checkout it is ``migrations/`` beside this package."""
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.join(here, "migrations")
    if os.path.isfile(os.path.join(installed, "env.py")):
        return installed
    return os.path.join(os.path.dirname(here), "migrations")


MIGRATIONS_DIR = _migrations_dir()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(app.instance_path))
    app.config.update(overrides or {})
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    forget_hits = getattr(limiter.storage, "forget", None)
    if forget_hits is not None:  # counts remembered from a hit never outlive their request
        app.teardown_request(lambda _error: forget_hits())
    security.init_app(app)
    compress.init_app(app)
    static_files.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.init_app(app)
    _init_login(app)
    celery_init_app(app)

    from app.api import bp as api_bp
    from app.audit.views import bp as audit_bp
    from app.auth.views import bp as auth_bp
    from app.core.errors import register_error_handlers
    from app.core.views import bp as core_bp
    from app.opds.views import bp as opds_bp
    from app.organisation.views import bp as organisation_bp

    for blueprint in (core_bp, auth_bp, opds_bp, audit_bp, api_bp, organisation_bp):
        app.register_blueprint(blueprint)
    # Feature packages (the composition root is the one place that knows them all).
    for name in FEATURE_BLUEPRINTS:
        module = importlib.import_module(name)
        for blueprint in module.blueprints:
            app.register_blueprint(blueprint)
        for command in getattr(module, "commands", ()):
            app.cli.add_command(command)
    register_error_handlers(app)
    _init_templates(app)
    _init_cli(app)
    return app


def _select_locale():
    languages = ["id", "en"]
    if not has_request_context():  # CLI, imports, mail: Bahasa Indonesia
        return "id"
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return "id"  # Bahasa Indonesia unless the user chose otherwise


def _init_login(app: Flask) -> None:
    from app.auth.services import load_session_user, user_for_token

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id):
        return load_session_user(session_id)

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return user_for_token(header.removeprefix("Bearer ").strip())
        return None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error={"code": 401, "message": _("Perlu autentikasi.")}), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _init_templates(app: Flask) -> None:
    from app.audit.services import ACTION_LABELS, OBJECT_LABELS
    from app.auth.permissions import can
    from app.core.home import nav_groups
    from app.formatting import FILTERS
    from app.forms import ActionForm
    from app.urls import id_url

    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["id_url"] = id_url

    @app.context_processor
    def globals_():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "csrf_only_form": ActionForm,
            "organisation_name": app.config["ORGANISATION_NAME"],
            "nav_groups": nav_groups,
            "get_locale": get_locale,
            "audit_actions": ACTION_LABELS,
            "audit_objects": OBJECT_LABELS,
        }


def _init_cli(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.cli import backup_command, restore_command, seed_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    # SQLite ignores foreign keys unless asked, per connection. WAL lets the check-in devices'
    # writes go on while pages read; a writer waits up to 10 s for another instead of failing.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
