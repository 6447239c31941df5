"""Without a pre-ping per request, a connection the database server dropped costs one request
a 503 (with Retry-After), never more: the pool replaces it, and the next request is served."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.extensions import db


def test_a_dropped_connection_costs_one_request_and_then_serves(client, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server that drops connections: PostgreSQL (TEST_DATABASE_URL)")
    for url in ("/healthz", "/events/"):  # the load balancer's probe (JSON), a page (HTML)
        db.session.remove()
        db.engine.dispose()
        assert client.get(url).status_code == 200  # the one pooled connection, now idle
        with db.engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        admin = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # the server drops it (a restart, an idle timeout)
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        admin.dispose()

        failed = client.get(url)
        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "1"
        if url == "/healthz":
            assert failed.get_json() == {"status": "unavailable"}
        else:
            assert "Sambungan ke basis data terputus" in failed.get_data(as_text=True)
        assert client.get(url).status_code == 200  # the next request is served
    assert client.get("/api/v1/events/tidak-ada/roster").status_code == 401  # still answering
    db.session.remove()
