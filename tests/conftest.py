"""Shared fixtures: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
the app built once per session, per-test clean tables, clients logged in per role."""

import os
import re
from contextlib import contextmanager

os.environ["SINERGI_ENV"] = "testing"

import flask_migrate  # noqa: E402
import pytest  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import services as user_services  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.extensions import db, limiter  # noqa: E402
from app.opds import services as opd_services  # noqa: E402
from app.opds.models import Opd  # noqa: E402

pytest_plugins = [
    "tests.agenda.fixtures",
    "tests.participants.fixtures",
    "tests.attendance.fixtures",
    "tests.followup.fixtures",
    "tests.worker",  # gated_smtp, workers: a real Celery worker against the local Redis
]

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            "LOGIN_RATE_LIMIT": "5 per minute",
        }
    )
    app.test_client_class = Client
    with app.app_context():
        flask_migrate.upgrade()
    return app


@pytest.fixture(autouse=True)
def appctx(app):
    """Every test runs in an app context and leaves empty tables behind."""
    limiter.reset()
    with app.app_context():
        yield
        db.session.rollback()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.session.remove()


class Client(FlaskClient):
    """A test client that knows how to submit forms with their CSRF token.

    Each request runs in a fresh app context (its own ``g`` and database session), as in
    production, instead of reusing the test's context.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        return _CSRF.search(page).group(1)

    def submit(self, url, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def login(self, email, password=PASSWORD):
        return self.submit("/login", {"email": email, "password": password})


@pytest.fixture
def request_ctx(app):
    """A request context: messages are translated for the request's locale (Indonesian)."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_opd():
    counter = iter(range(1, 10_000))

    def make(code=None, kind="dinas", parent=None, **kwargs):
        code = code or f"OPD-{next(counter)}"
        opd = opd_services.save_opd(
            Opd(),
            code=code,
            name=kwargs.get("name", f"Dinas {code}"),
            short_name=kwargs.get("short_name", code),
            kind=kind,
            parent_id=parent.id if parent else None,
        )
        db.session.commit()
        return opd

    return make


@pytest.fixture
def make_user(make_opd):
    def make(role="admin", email=None, opd=None, password=PASSWORD, **kwargs):
        if role == "opd" and opd is None:
            opd = make_opd()
        user = user_services.save_user(
            User(),
            email=email or f"{role}-{os.urandom(3).hex()}@test.example",
            name=kwargs.get("name", f"Pengguna {role}"),
            role=role,
            opd_id=opd.id if opd else None,
            password=password,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(app, make_user):
    """login_as("organiser") → a client logged in as a new user with that role."""

    def login(role, **kwargs):
        user = make_user(role, **kwargs)
        client = app.test_client()
        response = client.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user = user
        return client

    return login


@pytest.fixture
def count_queries():
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting
