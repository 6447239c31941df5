"""The login and check-in limits hold across worker processes when they share Redis, as in
production.

Two real app servers (separate gunicorn processes, as two workers are) take turns answering one
attacker: the limit must count the attempts of both together.
"""

import http.cookiejar
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from redis import Redis

from tests.servers import ROOT, free_port, production_env, start_gunicorn

LIMIT = 5


def _wait_for(port: int, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


@pytest.fixture
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    # A private server, so parallel runs and the machine's own Redis are left alone.
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _servers(tmp_path, storage: str, count: int = 2):
    database_url = f"sqlite:///{tmp_path / 'limits.db'}"
    settings = {
        "RATELIMIT_STORAGE_URI": storage,
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "CHECKIN_RATE_LIMIT": f"{LIMIT} per minute",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    env = production_env(database_url, **settings)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    ports = [free_port() for _ in range(count)]
    processes = [start_gunicorn(port, database_url, **settings) for port in ports]
    return ports, processes, env


OPERATOR = """
from app import create_app
from app.auth import services
from app.auth.models import User
from app.extensions import db

with create_app().app_context():
    user = services.save_user(User(), email="pintu@contoh.go.id", name="Petugas", role="operator",
                              opd_id=None, password="petugas-pintu-123")
    db.session.flush()
    print(services.issue_token(user))
    db.session.commit()
"""


def _operator_token(env) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", OPERATOR], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return done.stdout.decode().split()[-1]


def _scans_from_one_device(ports, token, attempts: int) -> list[int]:
    """One scanner (one token, one device id) whose requests land on either server."""
    statuses = []
    for attempt in range(attempts):
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"http://127.0.0.1:{ports[attempt % len(ports)]}/api/v1/events/rakor/checkins",
            data=b'{"scans": []}',
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "X-Sinergi-Device": "pintu-utara-1",
            },
            method="POST",
        )
        try:
            statuses.append(urllib.request.urlopen(request, timeout=5).status)  # noqa: S310
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def _wrong_logins(ports, attempts: int) -> list[int]:
    """One attacker (one address, one cookie jar) alternating between the servers."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"http://127.0.0.1:{ports[0]}/login", timeout=5).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "email": "siapa@contoh.go.id", "password": "salah"}
    ).encode()
    statuses = []
    for attempt in range(attempts):
        url = f"http://127.0.0.1:{ports[attempt % len(ports)]}/login"
        try:
            statuses.append(opener.open(url, data=body, timeout=5).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


def test_the_login_limit_counts_attempts_on_every_worker_together(tmp_path, redis_url):
    ports, processes, _env = _servers(tmp_path, redis_url)
    try:
        statuses = _wrong_logins(ports, 3 * LIMIT)
    finally:
        _stop(processes)
    assert statuses[:LIMIT] == [200] * LIMIT  # the form again, with "wrong password"
    assert set(statuses[LIMIT:]) == {429}


def test_per_process_counting_lets_more_guesses_through(tmp_path):
    """Why production refuses memory:// unless asked: each worker counts alone."""
    ports, processes, _env = _servers(tmp_path, "memory://")
    try:
        statuses = _wrong_logins(ports, 2 * LIMIT)
    finally:
        _stop(processes)
    assert statuses.count(200) == 2 * LIMIT


def test_the_checkin_limit_counts_a_device_on_every_worker_together(tmp_path, redis_url):
    ports, processes, env = _servers(tmp_path, redis_url)
    try:
        statuses = _scans_from_one_device(ports, _operator_token(env), 3 * LIMIT)
    finally:
        _stop(processes)
    assert 429 not in statuses[:LIMIT]  # answered (here: no such event)
    assert set(statuses[LIMIT:]) == {429}


def test_a_limited_request_is_one_round_trip_to_redis(tmp_path, redis_url):
    """The check-in limit counts a device's scan and fills its X-RateLimit headers from one
    Redis command, and the headers are still right."""
    ports, processes, env = _servers(tmp_path, redis_url, count=1)
    redis = Redis.from_url(redis_url)
    token = _operator_token(env)
    try:
        _scans_from_one_device(ports, token, 1)  # loads the counting script once
        before = _calls(redis)
        remaining = [_remaining(ports[0], token) for _ in range(3)]
        after = _calls(redis)
    finally:
        _stop(processes)
    sent = {name: after[name] - before.get(name, 0) for name in after}
    sent = {name: count for name, count in sent.items() if count and name != "info"}
    # Three requests, three scripts sent; INCRBY and TTL (EXPIRE on a new key) run inside them.
    assert sent.pop("evalsha") == 3
    assert sent.pop("expire", 1) == 1
    assert sent == {"incrby": 3, "ttl": 3}, sent  # no GET, no TTL of its own
    # The account's budget (one scan above already counted), whatever device id is sent.
    assert remaining == [LIMIT - 2, LIMIT - 3, LIMIT - 4]


def _calls(redis) -> dict[str, int]:
    return {
        name.removeprefix("cmdstat_"): stats["calls"]
        for name, stats in redis.info("commandstats").items()
    }


def _remaining(port: int, token: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"http://127.0.0.1:{port}/api/v1/events/rakor/checkins",
        data=b'{"scans": []}',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        headers = urllib.request.urlopen(request, timeout=5).headers  # noqa: S310
    except urllib.error.HTTPError as error:  # here: no such event
        headers = error.headers
    assert 0 < int(headers["Retry-After"]) <= 60
    return int(headers["X-RateLimit-Remaining"])
