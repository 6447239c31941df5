"""A real Celery worker for the task-queue tests: a subprocess of ``celery -A app.worker worker``
(solo pool) on the test database, with the local Redis as broker and result store (database 5,
a queue of its own per test run), in its own process group so a test can kill -9 it like a
crash. ``background_tasks`` switches the session's app from in-process tasks to that queue."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest
import redis

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
    try:
        yield celery
    finally:
        celery.conf.update(saved)
        redis.Redis.from_url(REDIS_URL).delete(QUEUE)


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
        **settings,
    }


def start_worker(app, **settings: str) -> subprocess.Popen:
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
            QUEUE,
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
