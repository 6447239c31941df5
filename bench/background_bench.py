"""Heavy documents built by a real Celery worker (app/background_documents.py): the badge book
of an event with 1,000 participants (PDF) and the participant list of one with 10,000 (XLSX),
from the click to the download link being ready, beside the same document built in the request
(the direct GET that scripts use).

    .venv/bin/python bench/background_bench.py [--database-url PG_SERVER_URL] [--redis URL]

Builds the events of bench/badges_bench.py in throw-away databases (SQLite always; with
--database-url also PostgreSQL, databases created and dropped), starts one worker (solo pool,
warm before the clock starts), presses the button as the organiser through the Flask test
client and polls the job every 50 ms; then downloads the file and opens it back (PDF pages,
XLSX rows). Writes its section of bench/RESULTS.md (between its marker and the next). Not part
of `make test`. Needs the local Redis (database 5 by default)."""

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402  (badges_bench sets up the path and environment first)
from badges_bench import build_event, login, make_app  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.common import (  # noqa: E402
    bench_database,
    celery_worker,
    hand_tasks_to,
    write_section,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
MARK = "<!-- background_bench -->"
DOCUMENTS = {
    # what: (participants, button, direct GET, file type)
    "badges": (1000, "/events/{slug}/badges/background", "/events/{slug}/badges.pdf", "PDF"),
    "list": (
        10000,
        "/events/{slug}/registrations/background",
        "/events/{slug}/registrations.xlsx",
        "XLSX",
    ),
}


def opened(kind: str, data: bytes) -> str:
    """The file opened back: its pages or data rows."""
    if kind == "PDF":
        return f"{len(PdfReader(io.BytesIO(data)).pages):,} pages"
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return f"{sum(1 for _ in sheet.iter_rows(min_row=2)):,} rows"


def run(database: str, server_url: str | None, what: str, redis_url: str) -> dict:
    from app import background_documents as jobs

    participants, button, direct, kind = DOCUMENTS[what]
    queue = f"sinergi-bench-{uuid.uuid4().hex[:6]}"
    with (
        bench_database(server_url, f"sinergi_bench_background_{what}") as url,
        tempfile.TemporaryDirectory(prefix="sinergi-downloads-") as downloads,
    ):
        app = make_app(url)
        app.config.update(DOWNLOAD_FOLDER=downloads)
        with app.app_context():
            flask_migrate.upgrade()
            slug = build_event(participants)
        hand_tasks_to(app, redis_url, queue)
        client = login(app)
        started = time.perf_counter()  # alone on the machine: before the worker starts
        in_request = client.get(direct.format(slug=slug))
        in_request_body = in_request.get_data()  # streamed: the whole body
        in_request_s = time.perf_counter() - started
        assert in_request.status_code == 200, in_request.status_code
        worker_env = {
            **os.environ,
            "SINERGI_ENV": "testing",
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_QUEUE": queue,
            "DOWNLOAD_FOLDER": downloads,
        }
        with celery_worker(worker_env):
            time.sleep(8)  # warm: the worker has imported the app before the clock starts
            started = time.perf_counter()
            response = client.post(button.format(slug=slug))
            click_s = time.perf_counter() - started
            assert response.status_code == 302 and "/unduhan/" in response.location
            token = response.location.rsplit("/", 1)[1]
            with app.app_context():
                while (job := jobs.read(token)).status not in ("ready", "failed"):
                    time.sleep(0.05)
            ready_s = time.perf_counter() - started
            assert job.status == "ready", job.error
            download = client.get(response.location + "/berkas")
            assert download.status_code == 200
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
        return {
            "database": database,
            "what": f"{participants:,} participants → {kind}",
            "click": click_s,
            "ready": ready_s,
            "in_request": in_request_s,
            "bytes": len(download.data),
            "opened": opened(kind, download.data),
            "same": opened(kind, in_request_body) == opened(kind, download.data),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    databases = [("SQLite", None)] + (
        [("PostgreSQL", args.database_url)] if args.database_url else []
    )
    rows = []
    for database, server_url in databases:
        for what in DOCUMENTS:
            rows.append(run(database, server_url, what, args.redis))
            print(rows[-1], flush=True)
    lines = [
        MARK,
        "## Heavy documents through a worker: 1,000 badges, a 10,000-row list",
        "",
        f"`bench/background_bench.py` on {time.strftime('%Y-%m-%d')} (2 shared CPUs, other test "
        "runs beside it: figures move by ±30 %). The events of bench/badges_bench.py (each "
        "with a tenth more people who declined, cancelled or sent a delegate); one warm worker "
        "(solo pool) and Redis. *Click* is the organiser's POST (the job written and the task "
        "queued); *ready* is click to the download link being ready (the progress page polls "
        "every 2 s, so the user sees it up to 2 s later); *in the request* is the direct GET "
        "of the same document, whole body read. Every file was downloaded from the job's page "
        "and opened back.",
        "",
        "| database | document | click s | ready s | in the request s | file | opened back |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['database']} | {r['what']} | {r['click']:.2f} | {r['ready']:.1f} | "
            f"{r['in_request']:.1f} | {r['bytes'] / 1e6:.2f} MB | {r['opened']}"
            f"{'' if r['same'] else ' (differs from the direct GET)'} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    write_section(RESULTS, MARK, section)


if __name__ == "__main__":
    main()
