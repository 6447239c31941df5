"""Sinergi under a real gunicorn for the fault tests: started on a free loopback port with
the repository's gunicorn.conf.py, in its own process group so a test can kill it like a crash."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str, **settings: str) -> dict:
    """The environment of a production server on ``database_url``, ``settings`` added (also
    what a ``flask`` command run beside it needs)."""
    return {
        **os.environ,
        "SINERGI_ENV": "production",
        "SECRET_KEY": "server-test-" + "x" * 32,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
        **settings,
    }


START_TIMEOUT = 90  # seconds


def start_gunicorn(port: int, database_url: str, stderr=None, **settings: str) -> subprocess.Popen:
    """One sync worker, production settings, ``settings`` added to its environment; its error
    log (stderr) goes to the file ``stderr`` if given."""
    gunicorn = {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": os.devnull,
    }
    env = production_env(database_url, **{**gunicorn, **settings})
    server = subprocess.Popen(  # noqa: S603 (fixed program)
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=stderr or subprocess.DEVNULL,
        start_new_session=True,  # its own process group: killed as a whole, like a crash
    )
    # A deadline, not a number of tries: on a busy 2-core machine importing the app alone can
    # take many seconds.
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")
