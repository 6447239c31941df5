"""Upgrading a database where carry-over left originals open beside their copies closes those
originals as "dilanjutkan", audited, so that existing data counts each decision once too."""

import os
import uuid

import flask_migrate
import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db

BEFORE = "6f56b3e401dd"  # the revision before the lifecycle's


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'lifecycle.db'}"
        return
    name = f"sinergi_lc_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_carried_originals_close_when_upgrading(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO opd (id, code, name, short_name, kind, active)"
                    " VALUES (1, 'DPUPR', 'Dinas PUPR', 'DPUPR', 'dinas', :yes)"
                ),
                {"yes": True},
            )
            for event_id, slug, day in ((1, "sm-iii", "2026-09-10"), (2, "sm-iv", "2026-12-10")):
                conn.execute(
                    text(
                        "INSERT INTO event (id, slug, title, kind, start_date, end_date, timezone,"
                        " venue, description, status, created_at) VALUES (:id, :slug, :slug,"
                        " 'strategic_meeting', :day, :day, 'Asia/Jakarta', '', '', 'published',"
                        " '2026-01-01 00:00:00')"
                    ),
                    {"id": event_id, "slug": slug, "day": day},
                )
            for item_id, event_id, status, origin in (
                (1, 1, "dalam_proses", None),  # carried over, still open: the old bug
                (2, 2, "dalam_proses", 1),  # its continuation
                (3, 1, "belum_ditindaklanjuti", None),  # never carried: stays open
            ):
                conn.execute(
                    text(
                        "INSERT INTO action_item (id, event_id, title, description, kind,"
                        " lead_opd_id, target, status, progress, carried_over_from_id,"
                        " created_at) VALUES (:id, :event, :title, '', 'tugas', 1, '', :status,"
                        " 40, :origin, '2026-09-10 05:00:00')"
                    ),
                    {
                        "id": item_id,
                        "event": event_id,
                        "title": f"Butir {item_id}",
                        "status": status,
                        "origin": origin,
                    },
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT id, status FROM action_item")).all())
            audit = conn.execute(text("SELECT object_id, action, changes FROM audit_entry")).all()
        assert statuses == {1: "dilanjutkan", 2: "dalam_proses", 3: "belum_ditindaklanjuti"}
        [(object_id, action, changes)] = audit
        assert (object_id, action) == (1, "carry_over")
        assert "dalam_proses" in str(changes) and "dilanjutkan" in str(changes)
        flask_migrate.downgrade(revision=BEFORE)
        db.engine.dispose()
