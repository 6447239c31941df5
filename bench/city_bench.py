"""`make bench`: Sinergi at city scale under gunicorn, beside bare Flask, written to bench/RESULTS.md.

Data: 40 OPDs, 5,000 officials, 20 events, one of them with 200 sessions over three days and
1,000 registrations, 10,000 action items, four quarters of realisation. Sinergi runs under
gunicorn (production settings, rate limits in Redis) with 2 and then 4 sync workers, on SQLite
and on PostgreSQL; wrk drives it from a separate process over loopback (8 connections unless
said, bounded in time); every row stands beside a bare Flask page measured in the same run.
After the load, one request each: the badge PDF of the 1,000 registrations and the import of
5,000 officials through the organiser's pages.

    .venv/bin/python bench/city_bench.py [--seconds 5] [--workers 2 4] [--postgres URL]
"""

import argparse
import io
import os
import random
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.checkin_bench import DONE_LUA, SCAN_LUA, wrk  # noqa: E402
from bench.common import (  # noqa: E402
    bench_database,
    celery_worker,
    reference_server,
    sinergi_and_bare,
    write_section,
)
from bench.people_import_bench import generate_rows, write_xlsx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
MARK = "<!-- city_bench -->"
PASSWORD = "bench-password-1"  # noqa: S105 (a throw-away database)
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|token|expected)"[^>]*value="([^"]*)"')


def get_script(path: Path, headers: dict) -> Path:
    """A wrk script sending ``headers`` (and accepting br, gzip as a browser does)."""
    lines = [f'wrk.headers["{k}"] = "{v}"' for k, v in {**headers, **ENCODINGS}.items()]
    path.write_text("\n".join(lines) + "\n" + DONE_LUA % {})
    return path


ENCODINGS = {"Accept-Encoding": "br, gzip"}


def seed(url: str) -> dict:
    """The city in a fresh database; returns what the load needs (slugs, ids, tokens)."""
    os.environ.update(SINERGI_ENV="development", DATABASE_URL=url)
    import flask_migrate
    from sqlalchemy import insert, select

    from agenda import versions
    from agenda.models import Event, Session
    from agenda.services import to_utc
    from app import create_app
    from app.auth import services as user_services
    from app.auth.models import User
    from app.extensions import db
    from app.opds.models import Opd
    from app.timeutil import to_zone, utcnow
    from evaluation.models import BudgetRealisation
    from followup.models import ActionItem
    from participants.models import Person, Registration

    rng = random.Random("sinergi-city")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(
            insert(Opd),
            [
                {
                    "code": f"OPD{n:02d}",
                    "name": f"Dinas Contoh {n:02d}",
                    "short_name": f"D{n:02d}",
                    "kind": "dinas",
                }
                for n in range(40)
            ],
        )
        opds = db.session.scalars(select(Opd.id)).all()
        db.session.execute(
            insert(Person),
            [
                {
                    "name": f"Pegawai {n:04d}, S.E.",
                    "position": "Analis Kebijakan",
                    "level": "fungsional",
                    "opd_id": opds[n % 40],
                    "email": f"p{n}@kota.test",
                }
                for n in range(5000)
            ],
        )
        people = db.session.scalars(select(Person.id)).all()
        # The big event (200 sessions, 1,000 passes) runs from today, so the door is open and
        # scans answer ok/duplicate as at a real door, not outside_event.
        start = to_zone(utcnow()).date()
        db.session.execute(
            insert(Event),
            [
                {
                    "slug": f"acara-{n:02d}",
                    "title": f"Rapat {n:02d}",
                    "kind": "rapat_koordinasi",
                    "start_date": start + timedelta(days=7 * n),
                    "end_date": start + timedelta(days=7 * n + (2 if n == 0 else 0)),
                    "status": "published",
                    "timezone": "Asia/Jakarta",
                }
                for n in range(20)
            ],
        )
        events = db.session.scalars(select(Event).order_by(Event.id)).all()
        big = events[0]
        sessions = []
        for n in range(200):
            day = big.start_date + timedelta(days=n % 3)
            begin = datetime.combine(day, datetime.min.time()) + timedelta(
                hours=8, minutes=20 * (n // 3 % 30)
            )
            sessions.append(
                {
                    "uid": f"{uuid.uuid4()}@bench",
                    "event_id": big.id,
                    "title": f"Sesi {n:03d}",
                    "kind": "plenary",
                    "starts_at": to_utc(begin, big.timezone),
                    "ends_at": to_utc(begin + timedelta(minutes=45), big.timezone),
                    "track": f"Kelompok {n % 4}",
                    "description": "Pembahasan program prioritas " * 3,
                }
            )
        db.session.execute(insert(Session), sessions)
        db.session.execute(
            insert(Registration),
            [
                {
                    "event_id": big.id,
                    "person_id": pid,
                    "status": "confirmed",
                    "group": f"Kelompok {i % 4}",
                    "pass_token": f"pass-{pid}-{uuid.uuid4().hex[:10]}",
                    "link_token": f"link-{pid}-{uuid.uuid4().hex[:10]}",
                }
                for i, pid in enumerate(people[:1000])
            ],
        )
        db.session.execute(
            insert(ActionItem),
            [
                {
                    "event_id": events[n % 20].id,
                    "title": f"Tindak lanjut {n:05d}",
                    "lead_opd_id": opds[n % 40],
                    "kind": "tugas",
                    "status": rng.choice(
                        ["belum_ditindaklanjuti", "dalam_proses", "sesuai", "belum_sesuai"]
                    ),
                    "progress": rng.randrange(0, 101),
                    "due_on": start + timedelta(days=rng.randrange(-60, 60)),
                }
                for n in range(10_000)
            ],
        )
        db.session.execute(
            insert(BudgetRealisation),
            [
                {
                    "year": 2026,
                    "quarter": q,
                    "opd_id": o,
                    "pagu": 10**11,
                    "realisasi_keuangan": rng.randrange(10**10, 9 * 10**10) * q // 4,
                    "realisasi_fisik": 50,
                }
                for o in opds
                for q in (1, 2, 3, 4)
            ],
        )
        tokens = {}
        for role in ("organiser", "viewer", "operator"):
            user = user_services.save_user(
                User(),
                email=f"{role}@bench.test",
                name=role,
                role=role,
                opd_id=None,
                password=PASSWORD,
            )
            db.session.flush()
            tokens[role] = user_services.issue_token(user)
        versions.publish(big, note="Bench")
        db.session.commit()
        return {
            "slug": big.slug,
            "opd_id": opds[0],
            "codes": db.session.scalars(select(Opd.code)).all(),
            "tokens": tokens,
            "passes": db.session.scalars(select(Registration.pass_token)).all(),
        }


def signed_in(base: str, email: str) -> requests.Session:
    """A browser's session after the login form (cookies kept)."""
    client = requests.Session()
    login = client.get(f"{base}/login", timeout=30)
    answer = client.post(
        f"{base}/login",
        data={**_form(login.text), "email": email, "password": PASSWORD},
        timeout=30,
    )
    assert "/login" not in answer.url, f"bench login failed for {email}"
    return client


def clients(base: str, data: dict) -> dict[str, dict]:
    """The request headers of each kind of client, as users meet the pages: a browser signed
    in with its session cookie (organiser, viewer), an API client with its bearer token, and a
    calendar app or a visitor with neither."""
    headers = {"visitor": {}, "viewer API": {"Authorization": f"Bearer {data['tokens']['viewer']}"}}
    for role in ("organiser", "viewer"):
        jar = signed_in(base, f"{role}@bench.test").cookies
        headers[role] = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}
    return headers


def wire_bytes(url: str, headers: dict) -> int:
    request = urllib.request.Request(url, headers={**headers, **ENCODINGS})  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return len(response.read())


def badge_pdf(base: str, slug: str, token: str) -> dict:
    """The batch badge PDF of the 1,000-registration event, as the organiser downloads it."""
    started = time.perf_counter()
    with requests.get(
        f"{base}/events/{slug}/badges.pdf",
        headers={"Authorization": f"Bearer {token}"},
        stream=True,
        timeout=120,
    ) as response:
        response.raise_for_status()
        chunks = response.iter_content(64 * 1024)
        body = next(chunks)
        first = time.perf_counter() - started
        body += b"".join(chunks)
    total = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(body)).pages)
    return {"first": first, "total": total, "bytes": len(body), "pages": pages}


def _form(page: str) -> dict:
    return dict(HIDDEN.findall(page))


def people_import(base: str, rows: int, codes: list[str], work: Path) -> dict:
    """Upload → preview → confirm of ``rows`` officials through the organiser's pages."""
    client = signed_in(base, "organiser@bench.test")
    content = write_xlsx(work / "pejabat.xlsx", generate_rows(rows, codes=codes))
    times = {}
    started = time.perf_counter()
    form = _form(client.get(f"{base}/people/import", timeout=30).text)
    uploaded = client.post(
        f"{base}/people/import",
        data=form,
        files={"file": ("pejabat.xlsx", content)},
        timeout=120,
    )
    times["upload"] = time.perf_counter() - started
    assert "/people/import/preview?token=" in uploaded.url, uploaded.text[:500]
    started = time.perf_counter()
    confirmed = client.post(f"{base}/people/import/confirm", data=_form(uploaded.text), timeout=120)
    # A big import is saved by a task (in the request when no broker is configured, as here):
    # the answer is its progress page, polled as the browser does until it says done.
    page = confirmed.text
    while confirmed.ok and "/unduhan/" in confirmed.url and 'data-download="ready"' not in page:
        assert 'data-download="failed"' not in page, page
        time.sleep(0.2)
        page = client.get(confirmed.url.rstrip("/") + "/kemajuan", timeout=30).text
    times["confirm"] = time.perf_counter() - started
    assert confirmed.ok and "Impor selesai" in page, page[-1500:]
    times["total"] = times["upload"] + times["confirm"]
    times["kib"] = len(content) / 1024
    return times


def production_env(url: str, work: Path) -> dict:
    """Sinergi's environment under gunicorn: production settings, rate limits in Redis."""
    return {
        **os.environ,
        "SINERGI_ENV": "production",
        "SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT", "redis://127.0.0.1:6379/15"),
        "CHECKIN_RATE_LIMIT": "1000000 per minute",
        "SESSION_COOKIE_SECURE": "0",
        "UPLOAD_FOLDER": str(work / "uploads"),
        "DOWNLOAD_FOLDER": str(work / "downloads"),
        # Big imports and documents go to a worker through Redis, as in production; a queue of
        # this run's own, so nothing left from another run is taken for this database.
        "CELERY_QUEUE": f"bench-{os.urandom(4).hex()}",
    }


def scan_script(work: Path, data: dict, batch: int) -> Path:
    """The wrk script of devices scanning the big event's passes, ``batch`` scans a request."""
    script = work / f"scan{batch}.lua"
    script.write_text(
        SCAN_LUA
        % {
            "tokens": ",".join(f'"{t}"' for t in data["passes"]),
            "path": f"/api/v1/events/{data['slug']}/checkins",
            "token": data["tokens"]["operator"],
            "batch": batch,
        }
        + DONE_LUA % {}
    )
    return script


def run(
    database: str, url: str, workers: int, seconds: int, work: Path, latency_seconds: int = 0
) -> tuple:
    data = seed(url)
    env = production_env(url, work)
    slug = data["slug"]
    pages = [
        ("agenda page (200 sessions)", f"/events/{slug}/", "viewer"),
        ("agenda page (200 sessions), visitor", f"/events/{slug}/", "visitor"),
        ("agenda.ics (calendar app)", f"/events/{slug}/agenda.ics", "visitor"),
        ("participant list (1,000)", f"/manage/events/{slug}/registrations/", "organiser"),
        ("OPD dashboard", f"/tindak-lanjut/dasbor/opd/{data['opd_id']}", "organiser"),
        ("pimpinan dashboard (10,000 items)", "/tindak-lanjut/dasbor", "viewer"),
        ("action-item list", "/tindak-lanjut/", "organiser"),
        ("action items API", "/api/v1/action-items", "viewer API"),
        ("ranking", "/evaluasi/?year=2026&quarter=4", "viewer"),
    ]
    rows = []
    with (
        sinergi_and_bare(env, work, workers) as (base, bare),
        reference_server(env, workers) as reference,
        celery_worker(env),
    ):
        headers = clients(base, data)
        get_scripts = {
            who: get_script(work / f"get-{n}.lua", sent)
            for n, (who, sent) in enumerate(headers.items())
        }
        scans = {batch: scan_script(work, data, batch) for batch in (1, 20)}
        bare_result = wrk(f"{bare}/", 8, seconds, get_scripts["visitor"])
        rows.append(
            (
                database,
                workers,
                "bare Flask GET /",
                bare_result,
                bare_result,
                wire_bytes(f"{bare}/", {}),
            )
        )
        for name, path, who in pages:
            result = wrk(base + path, 8, seconds, get_scripts[who])
            rows.append(
                (
                    database,
                    workers,
                    name,
                    result,
                    bare_result,
                    wire_bytes(base + path, headers[who]),
                )
            )
        # The check-in API beside the reference (bench/reference_checkin.py) on the same data.
        for batch, devices in ((1, 1), (1, 8), (20, 8)):
            what = "one scan" if batch == 1 else f"batches of {batch}"
            ref = wrk(reference, devices, seconds, scans[batch])
            result = wrk(base, devices, seconds, scans[batch])
            for name, r in (("reference check-in", ref), ("check-in API", result)):
                rows.append(
                    (
                        database,
                        workers,
                        f"{name}, {what}, {devices} device(s)",
                        r | {"ref": ref["rps"], "batch": batch},
                        bare_result,
                        None,
                    )
                )
        # Tail latency (issue 25): 30 s of wrk -c8 each, p99 beside p50, for the production
        # default of one worker per core.
        latency = []
        if latency_seconds:
            plain = get_scripts["visitor"]
            for name, url, script in (
                ("bare Flask GET /", f"{bare}/", plain),
                ("/healthz", f"{base}/healthz", plain),
                ("check-in API, one scan", base, scans[1]),
                ("agenda.ics", f"{base}/events/{slug}/agenda.ics", plain),
            ):
                latency.append((database, workers, name, wrk(url, 8, latency_seconds, script)))
        # Heavy work, one request each (after the load, so it measures the work, not a queue).
        heavy = {
            "badges": badge_pdf(base, slug, data["tokens"]["organiser"]),
            "import": people_import(base, 5000, data["codes"], work),
        }
    return rows, (database, workers, heavy), latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--latency-seconds",
        type=int,
        default=30,
        help="wrk -c8 this long for p99 (with the first --workers only; 0: skip)",
    )
    args = parser.parse_args()
    rows, heavy, latency = [], [], []
    for workers in args.workers:
        for database, server in (("SQLite", None), ("PostgreSQL", args.postgres)):
            with (
                bench_database(server, "sinergi_bench_city") as url,
                tempfile.TemporaryDirectory() as work,
            ):
                table, work_done, tail = run(
                    database,
                    url,
                    workers,
                    args.seconds,
                    Path(work),
                    args.latency_seconds if workers == args.workers[0] else 0,
                )
                rows += table
                heavy.append(work_done)
                latency += tail
                print(f"{database}, {workers} workers: done", flush=True)
    lines = [
        MARK,
        "## The city under load (bench/city_bench.py, `make bench`)",
        "",
        f"One run of `make bench` on this machine, {date.today().isoformat()}: gunicorn (sync workers, production",
        "settings, rate limits in Redis) driven by wrk over loopback from a separate process, 8",
        f"connections (check-in: 1 and 8 devices), {args.seconds} s per row; × bare is requests per second as a",
        "share of the bare Flask page measured in the same run. Bytes: one response with",
        "`Accept-Encoding: br, gzip`, as a phone receives it. Check-in rows stand beside the",
        "reference too (bench/reference_checkin.py: the leanest honest check-in on the same",
        "database, under the same gunicorn): × ref; scans/s counts each scan of a batch.",
        "",
        "| database | workers | endpoint | req/s | scans/s | p50 ms | p95 ms | failed | × bare | × ref | bytes on the wire |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for database, workers, name, r, bare, size in rows:
        scans = f"{r['rps'] * r['batch']:,.0f}" if "batch" in r else "–"
        of_ref = f"{r['rps'] / r['ref']:.2f}" if "ref" in r else "–"
        lines.append(
            f"| {database} | {workers} | {name} | {r['rps']:,.0f} | {scans} | {r['p50']:.1f} | {r['p95']:.1f} | {r['errors']} | {r['rps'] / bare['rps']:.2f} | {of_ref} | {f'{size:,}' if size is not None else '–'} |"
        )
    lines += [
        "",
        "Heavy work, one request each after the load, from the same separate process: the badge",
        "PDF of the 1,000 registrations (streamed: first byte, last byte) and the import of 5,000",
        "officials through the organiser's pages (upload with its preview, then confirm).",
        "",
        "| database | workers | badge PDF first byte s | badge PDF total s | pages | MB | import upload + preview s | import confirm s | import total s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for database, workers, work in heavy:
        b, i = work["badges"], work["import"]
        lines.append(
            f"| {database} | {workers} | {b['first']:.2f} | {b['total']:.1f} | {b['pages']} | {b['bytes'] / 1e6:.2f} | {i['upload']:.1f} | {i['confirm']:.1f} | {i['total']:.1f} |"
        )
    if latency:
        lines += [
            "",
            f"Tail latency: wrk -t2 -c8 for {args.latency_seconds} s on each URL, one after the other, same",
            "servers (aim: p99 ≤ 3× p50 for /healthz, the check-in API and agenda.ics).",
            "",
            "| database | workers | endpoint | req/s | p50 ms | p99 ms | p99 ÷ p50 | failed |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for database, workers, name, r in latency:
            lines.append(
                f"| {database} | {workers} | {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['p99'] / r['p50']:.1f} | {r['errors']} |"
            )
    # Only this section is rewritten: the other benchmarks' sections stay as they are.
    write_section(RESULTS, MARK, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
