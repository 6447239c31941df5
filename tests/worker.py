"""A real Celery worker for the task-queue tests: a subprocess of ``celery -A app.worker worker``
(solo pool) on the test database, with the local Redis as broker and result store (database 5,
a queue of its own per test run), in its own process group so a test can kill -9 it like a
crash. ``background_tasks`` switches the session's app from in-process tasks to that queue."""

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from aiosmtpd.controller import Controller

from tests.participants.fixtures import Collector
from tests.servers import ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
QUEUE = f"sinergi-test-{uuid.uuid4().hex[:8]}"  # one per test run: parallel runs never mix
VISIBILITY = 3  # seconds before a dead worker's task is delivered again (production: 3600)
SWITCHED = ("broker_url", "result_backend", "task_always_eager", "task_default_queue")


def redis_available() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # a required service (CI has it): say what is missing
        pytest.fail(f"the task-queue tests need Redis at {REDIS_URL}: {exc}")


@contextmanager
def background_tasks(app):
    """The session's app hands tasks to Redis (as in production) instead of running them."""
    redis_available()
    celery = app.extensions["celery"]
    saved = {key: celery.conf[key] for key in SWITCHED}
    celery.conf.update(
        broker_url=REDIS_URL,
        result_backend=REDIS_URL,
        task_always_eager=False,
        task_default_queue=QUEUE,
    )
    _forget_connections(celery)
    try:
        yield celery
    finally:
        celery.conf.update(saved)
        _forget_connections(celery)
        redis.Redis.from_url(REDIS_URL).delete(
            QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}"
        )


def _forget_connections(celery) -> None:
    """Celery keeps what it built from the settings (connection pool, queues and routes,
    result backend): built again from the switched settings."""
    celery._pool = None  # (kombu keeps one pool per broker address: not closed, reused)
    celery.__dict__.pop("amqp", None)
    celery._backend_cache = None
    celery._local = threading.local()


def worker_env(app, **settings: str) -> dict:
    config = app.config
    return {
        **os.environ,
        "SINERGI_ENV": "testing",
        "SECRET_KEY": "worker-test",
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": QUEUE,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "MAIL_SERVER": config.get("MAIL_SERVER") or "",
        "MAIL_PORT": str(config.get("MAIL_PORT") or 25),
        "MAIL_DEFAULT_SENDER": config.get("MAIL_DEFAULT_SENDER") or "sinergi@localhost",
        "MAIL_BATCH_SIZE": str(config.get("MAIL_BATCH_SIZE") or 30),
        "BASE_URL": config.get("BASE_URL") or "",
        "DOWNLOAD_FOLDER": config["DOWNLOAD_FOLDER"],
        "UPLOAD_FOLDER": config["UPLOAD_FOLDER"],
        **settings,
    }


def start_worker(app, queue: str = QUEUE, **settings: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (fixed program)
        [
            sys.executable,
            "-m",
            "celery",
            "--quiet",
            "-A",
            "app.worker",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-n",
            f"test-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=worker_env(app, **settings),
        start_new_session=True,  # its own process group: killed as a whole, like a crash
    )


def stop(worker: subprocess.Popen, signal_number: int = 15) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal_number)
        worker.wait(timeout=30)


def wait_for(condition, timeout: float = 60, what: str = "the worker") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not finish within {timeout} s")


class GatedCollector(Collector):
    """Holds the ``gate``-th transaction at MAIL FROM (before any data) until released."""

    def __init__(self, gate: int | None = None):
        super().__init__()
        self.gate, self.mails = gate, 0
        self.reached, self.release = threading.Event(), threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        self.mails += 1
        if self.gate is not None and self.mails == self.gate:
            self.reached.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"


@pytest.fixture
def gated_smtp(mail_config):
    """gated_smtp(gate=None) → a real SMTP server on MAIL_PORT (see GatedCollector)."""
    handlers = []

    def serve(gate=None):
        handler = GatedCollector(gate)
        controller = Controller(handler, hostname="127.0.0.1", port=mail_config["MAIL_PORT"])
        controller.start()
        handlers.append((handler, controller))
        return handler

    yield serve
    for handler, controller in handlers:
        handler.release.set()
        controller.stop()


@pytest.fixture
def workers(app):
    started = []

    def start(**settings: str):
        worker = start_worker(app, **settings)
        started.append(worker)
        return worker

    with background_tasks(app):
        yield start
        for worker in started:
            stop(worker)
