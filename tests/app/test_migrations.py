"""The schema only changes through Alembic: migrations must build it and match the models."""

import os
import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new, empty database of the same kind as the test database."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"sinergi_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(url):
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade()
        assert _tables(empty_database_url) == set(db.metadata.tables)
        flask_migrate.downgrade(revision="base")
        assert _tables(empty_database_url) == set()
        flask_migrate.upgrade()
        assert _tables(empty_database_url) == set(db.metadata.tables)
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])  # exits 1 on drift
    assert result.exit_code == 0, result.output
    with db.engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
        )
    assert differences == []
