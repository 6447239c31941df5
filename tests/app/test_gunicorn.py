"""The production server as configured (gunicorn.conf.py, production settings): it serves, and
its access log carries no token, personal link or e-mail address."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_production_server_logs_no_secrets(tmp_path, database_url):
    port = _port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "SINERGI_ENV": "production",
        "SECRET_KEY": "gunicorn-test-" + "x" * 32,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(  # noqa: S603 (fixed program)
        [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    secret = "Zx9secretPersonalLinkToken123"
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                assert urllib.request.urlopen(f"{base}/healthz", timeout=1).status == 200  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        for path in (
            f"/p/{secret}/",
            f"/hadir/1/2/{secret}",
            f"/sertifikat/{secret}",
            f"/speakers/{secret}/agenda.ics",
            f"/login?next=/people/?q=pejabat@{secret}.go.id",
        ):
            with contextlib.suppress(OSError):  # a 404: only the log matters here
                urllib.request.urlopen(base + path, timeout=5)  # noqa: S310
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "GET /healthz" in text and "GET /p/…" in text
    assert secret not in text and "@" not in text
