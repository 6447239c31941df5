"""Time the public agenda page and agenda.ics of a large event (server time, Flask test client).

Builds a 3-day event with 200 sessions and 60 speakers in a throw-away database, publishes it
twice (so it has a change list and bumped sequences), then requests each URL N times and prints
the median and 95th percentile. See bench/README.md.

    .venv/bin/python bench/agenda_bench.py
    .venv/bin/python bench/agenda_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["SINERGI_ENV"] = "testing"  # no SECRET_KEY needed, nothing sent anywhere

import flask_migrate  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from bench.common import BARE_APP, bench_database, measure  # noqa: E402


def build_event(sessions: int, speakers: int) -> str:
    """A published 3-day retreat; returns its slug."""
    from agenda import services, versions
    from agenda.models import Event, Room, Session, Speaker
    from app.extensions import db

    event = services.save_event(
        Event(),
        slug="retret-bench",
        title="Retret Kepala Perangkat Daerah 2025",
        kind="retret",
        start_date=date(2025, 8, 4),
        end_date=date(2025, 8, 6),
        timezone="Asia/Jakarta",
        venue="Akademi Militer Magelang",
        status="draft",
    )
    rooms = [Room(event=event, name=f"Ruang {n}", position=n) for n in range(1, 7)]
    people = [
        Speaker(
            name=f"Dr. Narasumber {n}, M.Si.",
            position="Kepala Dinas",
            institution=f"Perangkat Daerah {n}",
        )
        for n in range(1, speakers + 1)
    ]
    db.session.add_all(rooms + people)
    db.session.flush()
    per_day = -(-sessions // len(event.days))
    created = []
    for n in range(sessions):
        day = event.days[n // per_day]
        slot, room = divmod(n % per_day, len(rooms))
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=7, minutes=45 * slot)
        created.append(
            services.save_session(
                Session(),
                event=event,
                title=f"Sesi {n + 1}: Paparan Program Prioritas",
                kind="breakout" if room else "plenary",
                starts_at=services.to_utc(start, event.timezone),
                ends_at=services.to_utc(start + timedelta(minutes=45), event.timezone),
                room_id=rooms[room].id,
                track=f"Kelompok {room}" if room else "",
                description="Penyampaian capaian dan kendala triwulan berjalan.",
                speakers=[
                    (people[(n + k) % len(people)], "narasumber" if k else "moderator")
                    for k in range(1 + n % 3)
                ],
            )
        )
    versions.publish(event)
    db.session.commit()
    for session in created[::10]:  # a second version with some moves and a cancellation
        services.move_session(
            session, starts_at=session.starts_at + timedelta(minutes=15), room_id=session.room_id
        )
    services.set_cancelled(created[1], True)
    versions.publish(event)
    db.session.commit()
    return event.slug


def viewer_headers() -> dict:
    """A viewer's bearer token and the encodings a browser accepts, as city_bench sends."""
    from app.auth import services as user_services
    from app.auth.models import User
    from app.extensions import db

    user = user_services.save_user(
        User(),
        email="viewer@bench.test",
        name="viewer",
        role="viewer",
        opd_id=None,
        password="bench-password-1",  # noqa: S106 (a throw-away database)
    )
    db.session.flush()
    token = user_services.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}", "Accept-Encoding": "br, gzip"}


def bare_median(count: int) -> float:
    """The median time of the bare Flask page (bench/common.py) through the test client."""
    from flask import Flask

    namespace = {"Flask": Flask, "__name__": "bare"}
    exec(BARE_APP, namespace)  # noqa: S102 (our own constant)
    client = namespace["app"].test_client()
    timings = []
    for n in range(count + count // 10):
        started = time.perf_counter()
        client.get("/").get_data()
        if n >= count // 10:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (postgresql+psycopg://user@host:port/any); "
        "default: a temporary SQLite file",
    )
    parser.add_argument(
        "--bench-database",
        default="sinergi_bench_agenda",
        help="name of the throw-away PostgreSQL database (created and dropped)",
    )
    parser.add_argument("-n", "--requests", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--speakers", type=int, default=60)
    parser.add_argument(
        "--viewer",
        action="store_true",
        help="request as city_bench's load does: a viewer's bearer token and "
        "'Accept-Encoding: br, gzip' (default: anonymous, no compression)",
    )
    parser.add_argument(
        "--wrk",
        type=int,
        metavar="SECONDS",
        help="then drive both pages under gunicorn (2 sync workers, production settings) with "
        "wrk -c8 as a viewer, beside bare Flask, as city_bench does",
    )
    parser.add_argument(
        "--anonymous",
        action="store_true",
        help="with --wrk: a visitor (no token) instead of the viewer",
    )
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="call gc.freeze() once the app is loaded, as a tuned server process would "
        "(full garbage collections then skip the app's own objects)",
    )
    args = parser.parse_args()

    with bench_database(args.database_url, args.bench_database) as url:
        from app.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            flask_migrate.upgrade()
            slug = build_event(args.sessions, args.speakers)
            headers = viewer_headers() if args.viewer or args.wrk else {}
            engine = db.engine
        client = app.test_client()
        client.get(f"/events/{slug}/", headers=headers)  # the first visit sets the seen cookie
        page_etag = client.get(f"/events/{slug}/", headers=headers).headers.get("ETag")
        etag = client.get(f"/events/{slug}/agenda.ics", headers=headers).headers["ETag"]
        if args.gc_freeze:
            gc.collect()
            gc.freeze()
        targets = [
            ("agenda page", f"/events/{slug}/", headers),
            ("agenda.ics", f"/events/{slug}/agenda.ics", headers),
            ("agenda.ics 304", f"/events/{slug}/agenda.ics", {**headers, "If-None-Match": etag}),
        ]
        if page_etag:
            targets.append(
                ("agenda page 304", f"/events/{slug}/", {**headers, "If-None-Match": page_etag})
            )
        backend = make_url(url).get_backend_name()
        print(
            f"{backend}: {args.sessions} sessions, {args.speakers} speakers, "
            f"{args.requests} requests each"
            + (", as a viewer (bearer token, br)" if args.viewer else "")
            + (", gc.freeze()" if args.gc_freeze else "")
        )
        bare = bare_median(args.requests)
        print(f"  {'bare Flask':<15} median {bare:6.2f} ms   (the yardstick, same test client)")
        for label, path, headers in targets:
            timings, status, queries = measure(client, engine, path, args.requests, headers)
            p95 = statistics.quantiles(timings, n=20)[18]
            print(
                f"  {label:<15} median {statistics.median(timings):6.1f} ms   "
                f"p95 {p95:6.1f} ms   (HTTP {status}, {queries} queries/request)   "
                f"{bare / statistics.median(timings):.2f}x bare"
            )
        engine.dispose()
        if args.wrk:
            token = "" if args.anonymous else headers["Authorization"].split()[1]
            under_gunicorn(url, slug, token, args.wrk)


def under_gunicorn(url: str, slug: str, token: str, seconds: int) -> None:
    """Requests per second of both pages under gunicorn beside bare Flask (wrk, 8 connections,
    a viewer's bearer token, 'Accept-Encoding: br, gzip')."""
    import tempfile

    from bench.checkin_bench import wrk
    from bench.city_bench import GET_LUA
    from bench.common import sinergi_and_bare

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        script = work / "get.lua"
        script.write_text(GET_LUA % {"token": token})
        env = {
            **os.environ,
            "SINERGI_ENV": "production",
            "SECRET_KEY": "bench-" + os.urandom(8).hex(),
            "DATABASE_URL": url,
            # one limiter per worker: nothing shared with other runs on this machine
            "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT", "memory://"),
            "SESSION_COOKIE_SECURE": "0",
        }
        paths = {"agenda page": f"/events/{slug}/", "agenda.ics": f"/events/{slug}/agenda.ics"}
        ratios = {label: [] for label in paths}
        reader = "a viewer" if token else "a visitor"
        print(f"gunicorn -w 2, wrk -c8, {seconds} s each, as {reader} (br, gzip), 3 rounds")
        with sinergi_and_bare(env, work) as (base, bare):
            for path in paths.values():  # warm-up: each worker's caches filled
                wrk(base + path, 8, 1, script)
            # Rounds of bare Flask then each page, so that each ratio compares runs made
            # seconds apart: other work on a shared machine moves both alike.
            for _round in range(3):
                yardstick = wrk(f"{bare}/", 8, seconds, script)
                line = f"  bare Flask {yardstick['rps']:6.0f} req/s"
                for label, path in paths.items():
                    result = wrk(base + path, 8, seconds, script)
                    ratios[label].append(result["rps"] / yardstick["rps"])
                    line += (
                        f" | {label} {result['rps']:6.0f} req/s "
                        f"{ratios[label][-1]:.2f}x ({result['errors']} errors)"
                    )
                print(line)
        for label, values in ratios.items():
            print(f"  {label:<15} median {statistics.median(values):.2f}x bare Flask")


if __name__ == "__main__":
    main()
