"""The production server as configured (gunicorn.conf.py, production settings): it serves, and
neither its access log nor its error log carries a token, personal link, NIP or e-mail address."""

import contextlib
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from tests.servers import ROOT, free_port, start_gunicorn

NIP = "198609262015051001"


def test_production_server_logs_no_secrets(tmp_path, database_url):
    port = free_port()
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    secret = "Zx9secretPersonalLinkToken123"
    with error_log.open("w") as errors:
        server = start_gunicorn(
            port, database_url, stderr=errors, GUNICORN_ACCESS_LOG=str(access_log)
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for path in (
            f"/p/{secret}/",
            f"/hadir/1/2/{secret}",
            f"/sertifikat/{secret}",
            f"/speakers/{secret}/agenda.ics",
            f"/login?next=/people/?q=pejabat@{secret}.go.id",
            f"/people/?q={NIP}",
            f"/api/v1/events/rakor/roster?nip={NIP}",
        ):
            with contextlib.suppress(OSError):  # a 404 or a redirect to login: only logs matter
                urllib.request.urlopen(base + path, timeout=5)  # noqa: S310
        # A failed sign-in with an e-mail address and a NIP-like password.
        form = urllib.parse.urlencode({"email": f"pejabat@{secret}.go.id", "password": NIP})
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/login", data=form.encode(), timeout=5)  # noqa: S310
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    access = access_log.read_text()
    assert "GET /healthz" in access and "GET /p/…" in access and "POST /login" in access
    errors = error_log.read_text()
    assert "Booting worker" in errors  # the server's own log, captured
    for text in (access, errors):
        assert secret not in text and "@" not in text and NIP not in text


def _settings(**environ: str) -> dict[str, str]:
    """The settings gunicorn reads from gunicorn.conf.py (its own --print-config)."""
    done = subprocess.run(  # noqa: S603 (fixed program)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--print-config",
            "wsgi:app",
        ],
        cwd=ROOT,
        env={**os.environ, "SINERGI_ENV": "development", **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    pairs = (line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def test_workers_share_a_preloaded_app_and_are_not_recycled_together():
    settings = _settings()
    assert settings["preload_app"] == "True"  # one import, gc.freeze() before the fork
    assert settings["max_requests"] == "0"  # no recycling: all workers restarting at once
    # A site that wants recycling gets a jitter as large as the limit: never all together.
    chosen = _settings(GUNICORN_MAX_REQUESTS="5000")
    assert (chosen["max_requests"], chosen["max_requests_jitter"]) == ("5000", "5000")
