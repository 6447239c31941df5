"""What every benchmark shares: a throw-away database, statement counting, timed requests."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import redis
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


# The yardstick every figure stands beside: the smallest Flask app, under the same gunicorn.
BARE_APP = """
from flask import Flask
app = Flask(__name__)

@app.get("/")
def index():
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bare</title>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
            "<body><main><h1>Bare Flask</h1><p>Hello.</p></main></body></html>")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def sinergi_and_bare(env: dict, work: Path, workers: int = 2):
    """Sinergi (``wsgi:app`` with ``env``) and the bare Flask app, each under gunicorn with
    ``workers`` sync workers on a free loopback port: yields (sinergi URL, bare URL)."""
    (work / "bare.py").write_text(BARE_APP)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    port, bare_port = free_port(), free_port()
    servers = [
        subprocess.Popen(  # noqa: S603 (fixed program)
            [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,  # the access log: written, as in production, not shown
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(  # noqa: S603 (fixed program)
            [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{bare_port}", "bare:app"],
            cwd=work,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        wait_for(f"{base}/healthz")
        wait_for(f"{bare}/")
        yield base, bare
    finally:
        for server in servers:
            server.terminate()
            server.wait()


@contextmanager
def reference_server(env: dict, workers: int = 2):
    """bench/reference_checkin.py (the leanest honest check-in on the same database) under
    gunicorn with ``workers`` sync workers: yields its URL."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (fixed program)
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "reference_checkin:app"],
        env={"DATABASE_URL": env["DATABASE_URL"], "PATH": env.get("PATH", "")},
        cwd=ROOT / "bench",  # no gunicorn.conf.py here: plain gunicorn, as for bare Flask
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 (loopback)
            except urllib.error.HTTPError:
                break  # it answers (404 at /)
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait()


@contextmanager
def celery_worker(env: dict, pool: tuple[str, ...] = ("--pool=solo",)):
    """A Celery worker (app/worker.py) with Sinergi's ``env`` (its broker and ``CELERY_QUEUE``),
    as production runs one beside gunicorn (`make worker`); at the end it is stopped with its
    process group and its queue is removed from the broker."""
    queue = env.get("CELERY_QUEUE", "sinergi")
    worker = subprocess.Popen(  # noqa: S603 (fixed program)
        [sys.executable, "-m", "celery", "--quiet", "-A", "app.worker", "worker", *pool]
        + ["--loglevel=error", "--without-gossip", "--without-mingle", "-Q", queue],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        broker = env.get("CELERY_BROKER_URL") or env.get("RATELIMIT_STORAGE_URI", "")
        if broker.startswith("redis"):
            redis.Redis.from_url(broker).delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )


def hand_tasks_to(app, redis_url: str, queue: str) -> None:
    """The in-process ``app`` queues its tasks in Redis (``queue``) instead of running them;
    Celery forgets what it built from the former settings (connections, routes, backend)."""
    celery = app.extensions["celery"]
    celery.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
    )
    celery._pool = None
    celery.__dict__.pop("amqp", None)
    celery._backend_cache = None


def write_section(results: Path, mark: str, section: str) -> None:
    """Put ``section`` (starting with ``mark``, an HTML comment) into ``results`` in place of
    the previous one: from ``mark`` to the next section's mark or the end. Sections of other
    benchmarks, before and after, stay as they are."""
    existing = results.read_text() if results.exists() else ""
    before, found, after = existing.partition(mark)
    if not found:
        before, after = existing, ""
    next_mark = after.find("\n<!-- ")
    rest = after[next_mark + 1 :] if next_mark >= 0 else ""
    head = before.rstrip("\n")
    text = (head + "\n\n" if head else "") + section.rstrip("\n") + "\n"
    results.write_text(text + ("\n" + rest if rest else ""))
