"""The check-in API as doors meet it: gunicorn (2 sync workers, production settings) driven by
wrk from a separate process over loopback, 1 and 8 devices, one scan per request, beside a bare
Flask endpoint under the same gunicorn setup in the same run.

    .venv/bin/python bench/checkin_bench.py [--seconds 10] [--registrations 1000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Beside bare Flask, the reference (bench/reference_checkin.py: the leanest honest check-in on
the same database) takes the same load, so every row also reads as a share of it (× ref).

Each wrk connection is one device with its own bearer token (device header) and its own nonces;
the codes cycle through the 1,000 passes, so the first round is ``ok`` and the rest
``duplicate`` (both write a row). Printed: requests/s, p50, p95, non-2xx responses, the ratio
to bare Flask, and SQL statements per scan measured in-process (a second figure). Needs Debian's
``wrk`` (apt-get install wrk).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    bench_database,
    counting,
    reference_server,
    sinergi_and_bare,
)

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SCAN_LUA = """
local tokens = {%(tokens)s}
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  thread_id = id
  math.randomseed(os.time() + id)
end
local batch = %(batch)s
function request()
  local scans = {}
  for i = 1, batch do
    counter = counter + 1
    local code = tokens[((counter * 7 + thread_id * 131) %% #tokens) + 1]
    local nonce = string.format("t%%d-%%d-%%d", thread_id, counter, math.random(1, 1000000000))
    scans[i] = '{"code": "' .. code .. '", "nonce": "' .. nonce .. '", "session_id": null}'
  end
  local body = '{"scans": [' .. table.concat(scans, ",") .. ']}'
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %(token)s",
    ["X-Sinergi-Device"] = "bench-" .. thread_id,
  }, body)
end
"""

DONE_LUA = """
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%f %%f %%f %%d %%f\\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99) / 1000))
end
"""


def seed(database_url: str, registrations: int) -> tuple[list[str], str, str]:
    """An event today with ``registrations`` confirmed participants and an operator token."""
    os.environ.update(SINERGI_ENV="development", DATABASE_URL=database_url)
    import flask_migrate
    from sqlalchemy import insert, select

    from agenda.models import Event
    from app import create_app
    from app.auth import services as user_services
    from app.auth.models import User
    from app.extensions import db
    from app.timeutil import to_zone, utcnow
    from participants.models import Person, Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        flask_migrate.upgrade()
        today = to_zone(utcnow()).date()
        event = Event(
            slug="bench-pintu",
            title="Bench",
            kind="rapat_koordinasi",
            start_date=today,
            end_date=today,
            status="published",
        )
        db.session.add(event)
        db.session.flush()
        db.session.execute(
            insert(Person),
            [{"name": f"Peserta {i}", "level": "fungsional"} for i in range(registrations)],
        )
        people = db.session.scalars(select(Person.id)).all()
        db.session.execute(
            insert(Registration),
            [
                {
                    "event_id": event.id,
                    "person_id": pid,
                    "status": "confirmed",
                    "pass_token": f"pass{pid:06d}x{os.urandom(6).hex()}",
                    "link_token": f"link{pid}{os.urandom(6).hex()}",
                }
                for pid in people
            ],
        )
        operator = user_services.save_user(
            User(),
            email="bench@pintu.test",
            name="Bench",
            role="operator",
            opd_id=None,
            password="bench-password-1",  # noqa: S106 (a throw-away database)
        )
        db.session.flush()
        token = user_services.issue_token(operator)
        db.session.commit()
        tokens = db.session.scalars(select(Registration.pass_token)).all()
        statements = _statements_per_scan(app, event.slug, tokens, token)
    return tokens, token, statements


def _statements_per_scan(app, slug, tokens, token) -> str:
    from app.extensions import db

    client = app.test_client()
    url = f"/api/v1/events/{slug}/checkins"
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        engine = db.engine
    results = []
    for code in (tokens[-1], tokens[-1]):  # first ok, then duplicate
        with counting(engine) as counter:
            client.post(
                url,
                json={"scans": [{"code": code, "nonce": os.urandom(8).hex(), "session_id": None}]},
                headers=headers,
            )
        results.append(counter["statements"])
    return f"{results[0]} (ok), {results[1]} (duplicate)"


def wrk(url: str, connections: int, seconds: int, script: Path) -> dict:
    out = subprocess.run(  # noqa: S603 (fixed program, our own script)
        [
            shutil.which("wrk") or "wrk",
            f"-t{min(connections, 2)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, rps, p50, p95, errors, p99 = line.split()[1:]
    return {
        "requests": int(requests),
        "rps": float(rps),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with (
        bench_database(args.database_url, "sinergi_bench_checkin") as url,
        tempfile.TemporaryDirectory() as work,
    ):
        work = Path(work)
        tokens, token, statements = seed(url, args.registrations)
        env = {
            **os.environ,
            "SINERGI_ENV": "production",
            "SECRET_KEY": "bench-" + os.urandom(8).hex(),
            "DATABASE_URL": url,
            # As in production: limits shared by the workers (Redis runs on these machines).
            "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT", "redis://127.0.0.1:6379/15"),
            "CHECKIN_RATE_LIMIT": "1000000 per minute",  # the bench is one device per connection at full speed
            "SESSION_COOKIE_SECURE": "0",
        }
        with sinergi_and_bare(env, work) as (base, bare), reference_server(env) as reference:
            path = "/api/v1/events/bench-pintu/checkins"
            scripts = {}
            for batch in (1, 20):
                scripts[batch] = work / f"scan{batch}.lua"
                scripts[batch].write_text(
                    SCAN_LUA
                    % {
                        "tokens": ",".join(f'"{t}"' for t in tokens),
                        "path": path,
                        "token": token,
                        "batch": batch,
                    }
                    + DONE_LUA % {}
                )
            get = work / "get.lua"
            get.write_text(DONE_LUA % {})
            database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
            print(
                f"check-in API, {database}, {len(tokens)} registrations, gunicorn -w 2, wrk {args.seconds}s per row"
            )
            print(f"SQL statements per scan (in-process): {statements}")
            print(
                f"{'endpoint':34} {'devices':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8}"
                f" {'failed':>7} {'× bare':>7} {'× ref':>7}"
            )
            for connections in (1, 8):
                bare_result = wrk(f"{bare}/", connections, args.seconds, get)
                ref_one = wrk(reference, connections, args.seconds, scripts[1])
                ref_many = wrk(reference, connections, args.seconds, scripts[20])
                one = wrk(base, connections, args.seconds, scripts[1])
                many = wrk(base, connections, args.seconds, scripts[20])
                for name, r, ref in (
                    ("bare Flask GET /", bare_result, None),
                    ("reference (1 scan)", ref_one, ref_one),
                    ("reference (20, offline)", ref_many, ref_many),
                    ("POST …/checkins (1 scan)", one, ref_one),
                    ("POST …/checkins (20, offline)", many, ref_many),
                ):
                    ratio = r["rps"] / bare_result["rps"]
                    of_ref = f"{r['rps'] / ref['rps']:7.2f}" if ref else f"{'–':>7}"
                    print(
                        f"{name:34} {connections:7} {r['rps']:9.0f} {r['p50']:8.1f}"
                        f" {r['p95']:8.1f} {r['errors']:7} {ratio:7.2f} {of_ref}"
                    )
                print(
                    f"{'  = scans/s in batches of 20':34} {connections:7} {many['rps'] * 20:9.0f}"
                    f"  (reference {ref_many['rps'] * 20:.0f})"
                )


if __name__ == "__main__":
    main()
