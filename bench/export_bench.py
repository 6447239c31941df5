"""Every list export at 1k, 10k and 50k rows: time per row must stay flat (linear exports).

For each size a fresh database holds that many officials, action items of one meeting,
registrations of one event and OPDs with a quarter of budget realisation. Sinergi runs under
gunicorn (production settings, 2 sync workers, gunicorn.conf.py's 60 s worker timeout) beside
the bare Flask app in the same run; this process downloads each export over loopback with a
bearer token (each export twice, the faster counted) and writes its section of bench/RESULTS.md.

    .venv/bin/python bench/export_bench.py [--sizes 1000 10000 50000] [--postgres URL]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from bench.common import bench_database, sinergi_and_bare, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
MARK = "<!-- export_bench -->"
EVENT_DAY = date(2026, 3, 10)


def seed(url: str, rows: int) -> dict:
    """``rows`` of each list in a fresh database; returns the export URLs and a token."""
    os.environ.update(SINERGI_ENV="development", DATABASE_URL=url)
    import flask_migrate
    from sqlalchemy import insert, select

    from agenda.models import Event
    from app import create_app
    from app.auth import services as user_services
    from app.auth.models import User
    from app.extensions import db
    from app.opds.models import Opd
    from evaluation.models import BudgetRealisation
    from followup.models import ActionItem
    from participants.models import Person, Registration

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.session.execute(
            insert(Opd),
            [
                {
                    "code": f"OPD{n:05d}",
                    "name": f"Dinas {n:05d}",
                    "short_name": f"D{n}",
                    "kind": "dinas",
                }
                for n in range(rows)
            ],
        )
        opds = db.session.scalars(select(Opd.id).order_by(Opd.id)).all()
        db.session.execute(
            insert(Person),
            [
                {
                    "name": f"Pegawai {n:05d}, S.E.",
                    "position": "Analis Kebijakan",
                    "level": "fungsional",
                    "opd_id": opds[n % 40],
                    "email": f"p{n}@kota.test",
                }
                for n in range(rows)
            ],
        )
        people = db.session.scalars(select(Person.id).order_by(Person.id)).all()
        db.session.execute(
            insert(Event),
            [
                {
                    "slug": "rakor",
                    "title": "Rapat Koordinasi",
                    "kind": "rapat_koordinasi",
                    "start_date": EVENT_DAY,
                    "end_date": EVENT_DAY,
                    "status": "published",
                    "timezone": "Asia/Jakarta",
                }
            ],
        )
        event = db.session.scalar(select(Event))
        db.session.execute(
            insert(Registration),
            [
                {
                    "event_id": event.id,
                    "person_id": pid,
                    "status": "confirmed",
                    "pass_token": f"pass-{pid}-{uuid.uuid4().hex[:10]}",
                    "link_token": f"link-{pid}-{uuid.uuid4().hex[:10]}",
                }
                for pid in people
            ],
        )
        db.session.execute(
            insert(ActionItem),
            [
                {
                    "event_id": event.id,
                    "title": f"Tindak lanjut {n:05d}",
                    "lead_opd_id": opds[n % 40],
                    "kind": "tugas",
                    "status": "dalam_proses",
                    "progress": n % 101,
                    "due_on": EVENT_DAY,
                }
                for n in range(rows)
            ],
        )
        db.session.execute(
            insert(BudgetRealisation),
            [
                {
                    "year": 2026,
                    "quarter": 1,
                    "opd_id": o,
                    "pagu": 10**11,
                    "realisasi_keuangan": (o * 7919) % 10**11,
                    "realisasi_fisik": 50,
                }
                for o in opds
            ],
        )
        user = user_services.save_user(
            User(), email="admin@bench.test", name="Admin", role="admin", password="x" * 16
        )
        db.session.flush()
        token = user_services.issue_token(user)
        db.session.commit()
        event_id = event.id
    return {
        "token": token,
        "exports": [
            ("people CSV", "/people/export.csv?status=all"),
            ("people XLSX", "/people/export.xlsx?status=all"),
            ("follow-up recap XLSX", f"/tindak-lanjut/rekap.xlsx?event={event_id}"),
            ("daftar hadir XLSX", f"/events/rakor/daftar-hadir.xlsx?day={EVENT_DAY}"),
            ("ranking XLSX", "/evaluasi/peringkat.xlsx?year=2026&quarter=1"),
        ],
    }


def download(url: str, token: str) -> tuple[float, float, int, int]:
    """(first byte s, total s, bytes, HTTP status) of one streamed download; status 0 when the
    server dropped the connection (gunicorn's worker timeout killed the worker)."""
    started = time.perf_counter()
    try:
        return _download(url, token, started)
    except requests.ConnectionError:
        return 0.0, time.perf_counter() - started, 0, 0


def _download(url: str, token: str, started: float) -> tuple[float, float, int, int]:
    with requests.get(
        url, headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=120
    ) as response:
        first = None
        size = 0
        for chunk in response.iter_content(65536):
            first = first if first is not None else time.perf_counter() - started
            size += len(chunk)
    return first or 0.0, time.perf_counter() - started, size, response.status_code


def bare_ms(bare: str, count: int = 50) -> float:
    session = requests.Session()
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(f"{bare}/", timeout=10).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run(database: str, url: str, rows: int, work: Path) -> list[tuple]:
    data = seed(url, rows)
    env = {
        **os.environ,
        "SINERGI_ENV": "production",
        "SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": "0",
        "UPLOAD_FOLDER": str(work / "uploads"),
    }
    results = []
    with sinergi_and_bare(env, work, 2) as (base, bare):
        yardstick = bare_ms(bare)
        for label, path in data["exports"]:
            tries = [download(base + path, data["token"])]
            if tries[0][3] == 200:  # a second try only when the first succeeded
                tries.append(download(base + path, data["token"]))
            first, total, size, status = min(tries, key=lambda t: (t[3] != 200, t[1]))
            results.append((database, rows, label, status, first, total, size, yardstick))
            print(
                f"{database} {rows:>6,} {label:<22} HTTP {status} first byte {first:6.2f} s "
                f"total {total:7.2f} s  {total / rows * 1e6:7.1f} µs/row  {size / 1e6:6.2f} MB "
                f"(bare Flask GET / {yardstick:.1f} ms)",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--postgres", help="a PostgreSQL server URL; default: SQLite only")
    args = parser.parse_args()
    results = []
    targets = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
    for database, server in targets:
        for rows in args.sizes:
            with (
                tempfile.TemporaryDirectory(prefix="sinergi-export-") as folder,
                bench_database(server, f"sinergi_bench_export_{rows}") as url,
            ):
                results += run(database, url, rows, Path(folder))
    lines = [
        MARK,
        "## Exports at 1k, 10k and 50k rows (bench/export_bench.py)",
        "",
        f"{date.today().isoformat()}, {os.cpu_count()} CPU cores. One download each "
        "(the faster of two) of every list export under gunicorn (2 sync workers, "
        "production settings, 60 s worker timeout), from a separate process over "
        "loopback; the bare Flask GET / of the same run beside it. Linear means the "
        "µs per row stays flat as the rows grow.",
        "",
        "| database | rows | export | HTTP | first byte s | total s | µs per row | MB "
        "| bare Flask GET / ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for database, rows, label, status, first, total, size, yardstick in results:
        lines.append(
            f"| {database} | {rows:,} | {label} | {status} | {first:.2f} | {total:.2f} "
            f"| {total / rows * 1e6:.1f} | {size / 1e6:.2f} | {yardstick:.1f} |"
        )
    write_section(RESULTS, MARK, "\n".join(lines))


if __name__ == "__main__":
    main()
