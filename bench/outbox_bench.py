"""Time to send 1,000 queued e-mails to a local SMTP server (aiosmtpd on loopback):
click by click as before the task queue (one request sends MAIL_BATCH_SIZE = 30, so 34
clicks), and through one click on "Kirim antrean" and a real Celery worker (Redis broker).

    .venv/bin/python bench/outbox_bench.py [-n 1000] [--database-url PG_SERVER_URL] [--redis URL]

SQLite always; with --database-url also PostgreSQL, in a database it creates and drops
(sinergi_bench_outbox).

Writes its section of bench/RESULTS.md (between the outbox_bench markers). Not part of
`make test`. Needs the local Redis (database 5 by default)."""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("SINERGI_ENV", "testing")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.common import (  # noqa: E402
    bench_database,
    celery_worker,
    hand_tasks_to,
    write_section,
)
from participants.mail import delivery, tasks  # noqa: E402
from participants.models import OutboundMessage  # noqa: E402
from tests.participants.fixtures import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
MARK = "<!-- outbox_bench -->"


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        return "250 Message accepted for delivery"


def queue(count: int) -> None:
    db.session.execute(OutboundMessage.__table__.delete())
    db.session.add_all(
        OutboundMessage(
            kind="invitation",
            recipient=f"peserta{n:04d}@batukota.example",
            subject="Undangan Strategic Meeting Triwulan III",
            body="Yth. Bapak/Ibu,\n\nDengan hormat, kami mengundang …\n" * 20,
        )
        for n in range(count)
    )
    db.session.commit()


def sent() -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count(OutboundMessage.id)).where(OutboundMessage.status == "sent")
    )


def click_by_click(count: int) -> tuple[float, int]:
    """Before the task queue: each click on "Kirim antrean" sent one batch in the request."""
    queue(count)
    clicks, started = 0, time.perf_counter()
    while delivery.send_queued(limit=30).sent:
        clicks += 1
    return time.perf_counter() - started, clicks


def through_worker(app, count: int, redis_url: str, pool: list[str]) -> tuple[float, float]:
    """One click hands the queue over; a warm worker sends. Returns (click s, total s)."""
    queue_name = f"sinergi-bench-{uuid.uuid4().hex[:6]}"
    hand_tasks_to(app, redis_url, queue_name)
    env = {
        **os.environ,
        "SINERGI_ENV": "testing",
        "SECRET_KEY": "bench",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CELERY_BROKER_URL": redis_url,
        "CELERY_QUEUE": queue_name,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
    }
    with celery_worker(env, tuple(pool)):
        time.sleep(6)  # warm: the worker has imported the app before the clock starts
        queue(count)
        db.session.execute(update(OutboundMessage).values(dispatched_at=None))
        started = time.perf_counter()
        done = tasks.dispatch()
        click = time.perf_counter() - started
        assert done.count == count and done.background
        while sent() < count:
            time.sleep(0.05)
        return click, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    handler = Counter()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    rows = []
    databases = [("SQLite", None)] + (
        [("PostgreSQL", args.database_url)] if args.database_url else []
    )
    for database, server_url in databases:
        with bench_database(server_url, "sinergi_bench_outbox") as url:
            app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": url,
                    "MAIL_SERVER": "127.0.0.1",
                    "MAIL_PORT": port,
                    "MAIL_BATCH_SIZE": 30,
                }
            )
            with app.app_context():
                flask_migrate.upgrade()
                seconds, clicks = click_by_click(args.n)
                rows.append(
                    (
                        database,
                        "click by click (30 per click, in the request)",
                        clicks,
                        seconds,
                        None,
                    )
                )
                for label, pool in (
                    ("one click + worker, solo pool", ["--pool=solo"]),
                    ("one click + worker, 2 processes", ["--pool=prefork", "--concurrency=2"]),
                ):
                    click, total = through_worker(app, args.n, args.redis, pool)
                    rows.append((database, label, 1, total, click))
                db.session.remove()
                db.engine.dispose()
    controller.stop()
    lines = [
        MARK,
        "## Outbox: 1,000 e-mails to a local SMTP server",
        "",
        f"`bench/outbox_bench.py` on {time.strftime('%Y-%m-%d')} (2 shared CPUs), aiosmtpd on "
        f"loopback (received {handler.count:,} messages in all), {args.n:,} queued invitations. "
        "Click by click is how the outbox sent before the task queue (each request sent "
        "MAIL_BATCH_SIZE = 30, the organiser pressing again): machine time only, without the "
        "organiser's pauses between clicks. Through the worker: one click hands the queue over "
        "(batches of 30, one task and one SMTP connection each) and a warm worker sends; total "
        "is click to last message marked sent. Every way claims a batch in one UPDATE before "
        "sending and commits each message's outcome. The machine was shared with other "
        "test runs: figures move by ±30 % from run to run.",
        "",
        "| database | how | clicks | click (request) s | total s | messages/s |",
        "|---|---|---|---|---|---|",
    ]
    for database, label, clicks, total, click in rows:
        click_text = f"{click:.2f}" if click is not None else "(all)"
        lines.append(
            f"| {database} | {label} | {clicks} | {click_text} | {total:.1f} | {args.n / total:,.0f} |"
        )
    section = "\n".join(lines) + "\n"
    print(section)
    write_section(RESULTS, MARK, section)


if __name__ == "__main__":
    main()
