"""What every benchmark shares: a throw-away database, statement counting, timed requests."""

import tempfile
import time
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

RESERVED = {"postgres", "template0", "template1", "test"}


@contextmanager
def bench_database(url: str | None, name: str):
    """A database that exists only for the run: a temporary SQLite file, or ``name`` created
    (and dropped afterwards) on the PostgreSQL server that ``url`` points at."""
    if not url:
        with tempfile.TemporaryDirectory(prefix="sinergi-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    server = make_url(url)
    if name in RESERVED or name == server.database:
        raise SystemExit(f"refusing to use database {name!r}: choose a throw-away name")
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
        conn.execute(text(f"CREATE DATABASE {quoted}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        admin.dispose()


@contextmanager
def counting(engine):
    """with counting(engine) as counter: … ; counter["statements"] is the SQL statement count."""
    counter = {"statements": 0}

    def counted(*_args):
        counter["statements"] += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counted)


def measure(client, engine, url: str, count: int, headers=None) -> tuple[list[float], int, int]:
    """Server time (ms) of ``count`` requests after a warm-up, the last status, statements each.

    Each request runs in its own app context and database session, as in production.
    """
    for _ in range(max(5, count // 10)):  # warm-up: caches, connection pool
        client.get(url, headers=headers)
    timings = []
    status = 0
    with counting(engine) as counter:
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            response.get_data()
            timings.append((time.perf_counter() - started) * 1000)
            status = response.status_code
    return timings, status, counter["statements"] // count
