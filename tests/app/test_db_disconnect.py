"""Without a pre-ping per request, a connection the database server dropped costs one request
a 503 (with Retry-After), never more: the pool replaces it, and the next request is served."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.extensions import db


def test_a_dropped_connection_costs_one_request_and_then_serves(client, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server that drops connections: PostgreSQL (TEST_DATABASE_URL)")
    db.session.remove()
    db.engine.dispose()
    assert client.get("/healthz").status_code == 200  # the one pooled connection, now idle
    with db.engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the server drops it (a restart, an idle timeout)
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()

    failed = client.get("/healthz")
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "1"
    assert "Sambungan ke basis data terputus" in failed.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/events/tidak-ada/roster").status_code == 401  # still answering
    db.session.remove()
