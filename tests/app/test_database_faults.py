"""The database connection dropped during use: the next request reconnects (pool pre-ping)
instead of failing until a restart."""

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db


def test_a_dropped_postgresql_connection_is_replaced(app, client, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to drop")
    assert client.get("/healthz").status_code == 200  # the pool now holds a connection
    killer = create_engine(database_url)
    with killer.begin() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert killed >= 1
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}
    db.session.remove()
