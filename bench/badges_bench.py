"""Time the batch badge PDF of 1,000 participants end to end (Flask test client).

Builds an event with 1,000 people expected to attend (plus some who declined, cancelled or
sent a delegate, who get no badge) in a throw-away database, logs in as an organiser and
downloads ``/events/<slug>/badges.pdf``: time to the first byte, total time, size, pages,
SQL statements. The first download draws every QR code ("cold"); the second finds them in
the process's cache ("warm"), as a reprint would. The participant XLSX is timed too.
See bench/README.md.

    .venv/bin/python bench/badges_bench.py
    .venv/bin/python bench/badges_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["SINERGI_ENV"] = "testing"  # no SECRET_KEY needed, nothing sent anywhere

import flask_migrate  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from bench.common import bench_database, counting  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105 (a throw-away database)
FIRST = ["Agus", "Budi", "Siti", "Dewi", "Rudi", "Sri", "Eko", "Wahyu", "Nur", "Indah", "Bambang"]
LAST = ["Santoso", "Wahyuni", "Prasetyo", "Lestari", "Hidayat", "Kurniawan", "Rahmawati"]
BEFORE = ["", "", "Drs. ", "Dr. ", "Ir. ", "H. ", "Hj. ", "Dr. Ir. H. "]
AFTER = [", S.Sos.", ", S.T., M.T.", ", S.E., M.Si.", ", S.H., M.H.", ", S.Kom.", ", S.Pd., M.Pd."]
POSITIONS = [
    "Kepala Dinas",
    "Sekretaris",
    "Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik",
    "Camat",
    "Lurah",
    "Analis Kebijakan Ahli Muda",
]


def make_app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )


def build_event(participants: int) -> str:
    """A 3-day retreat with ``participants`` people expected to attend (about one in ten of
    them a delegate) and a tenth more who declined, cancelled or sent a delegate; an
    organiser account. Returns the event's slug."""
    from agenda import services as agenda
    from agenda.models import Event
    from app.auth import services as users
    from app.auth.models import User
    from app.demo import seed_opds
    from app.extensions import db
    from app.opds.models import Opd
    from participants.models import Person, Registration, new_token

    seed_opds(lambda _message: None)
    users.save_user(User(), email="panitia@bench.test", name="Panitia", role="organiser",
                    opd_id=None, password=PASSWORD)  # fmt: skip
    event = agenda.save_event(
        Event(),
        slug="retret-bench",
        title="Retret Kepala Perangkat Daerah Kota Batu 2025",
        kind="retret",
        start_date=date(2025, 5, 16),
        end_date=date(2025, 5, 18),
        timezone="Asia/Jakarta",
        venue="Akademi Militer Magelang",
        status="published",
    )
    db.session.flush()
    opds = db.session.scalars(db.select(Opd.id)).all()
    rng = random.Random(1000)
    others = participants // 10
    total = participants + others
    people = db.session.scalars(
        insert(Person).returning(Person.id),
        [
            {
                "name": f"{rng.choice(BEFORE)}{rng.choice(FIRST)} {rng.choice(LAST)}"
                + (f" {rng.choice(LAST)}" * (n % 7 == 0))
                + rng.choice(AFTER),
                "position": rng.choice(POSITIONS),
                "level": "administrator",
                "opd_id": rng.choice(opds) if n % 20 else None,
                "institution": "" if n % 20 else "Universitas Brawijaya",
            }
            for n in range(total)
        ],
    ).all()
    roles = ["peserta"] * 17 + ["narasumber", "panitia", "undangan"]
    rows = []
    for n, person_id in enumerate(people):
        if n < others:  # heads who sent delegates, declined or cancelled: no badge
            status = ("delegated", "declined", "cancelled")[n % 3]
        else:
            status = "confirmed" if n % 4 else "invited"
        rows.append(
            {
                "event_id": event.id,
                "person_id": person_id,
                "role": rng.choice(roles),
                "status": status,
                "group": f"Kelompok {n % 8 + 1}",
                "pass_token": new_token(),
                "link_token": new_token(),
            }
        )
    ids = db.session.scalars(insert(Registration).returning(Registration.id), rows).all()
    heads = [ids[n] for n in range(0, others, 3)]  # the "delegated" ones
    for head, delegate in zip(heads, ids[others:], strict=False):
        db.session.get(Registration, delegate).delegate_of_id = head
    db.session.commit()
    return event.slug


def login(app):
    client = app.test_client()
    response = client.post("/login", data={"email": "panitia@bench.test", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def download(client, engine, url: str) -> dict:
    """One streamed download: seconds to the first byte and to the last, bytes, statements."""
    with counting(engine) as counter:
        started = time.perf_counter()
        response = client.get(url, buffered=False)
        assert response.status_code == 200, response.status_code
        chunks = iter(response.response)
        first = next(chunks)
        first_byte = time.perf_counter() - started
        body = first + b"".join(chunks)
        total = time.perf_counter() - started
        response.close()
    return {"first": first_byte, "total": total, "body": body, **counter}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (postgresql+psycopg://user@host:port/any); "
        "default: a temporary SQLite file",
    )
    parser.add_argument(
        "--bench-database",
        default="sinergi_bench_badges",
        help="name of the throw-away PostgreSQL database (created and dropped)",
    )
    parser.add_argument("-n", "--participants", type=int, default=1000)
    args = parser.parse_args()

    with bench_database(args.database_url, args.bench_database) as url:
        from app.extensions import db

        app = make_app(url)
        with app.app_context():
            flask_migrate.upgrade()
            slug = build_event(args.participants)
            engine = db.engine
        client = login(app)
        print(f"{make_url(url).get_backend_name()}: {args.participants:,} badges (target < 20 s)")
        for label in ("cold", "warm"):
            result = download(client, engine, f"/events/{slug}/badges.pdf")
            reader = PdfReader(io.BytesIO(result["body"]))
            images = sum(len(page.images) for page in reader.pages)
            assert images == args.participants, images
            print(
                f"  badges.pdf {label}: first byte {result['first'] * 1000:5.0f} ms, "
                f"total {result['total']:5.2f} s, {len(result['body']) / 1e6:.2f} MB, "
                f"{len(reader.pages)} pages, {result['statements']} SQL statements"
            )
        result = download(client, engine, f"/events/{slug}/registrations.xlsx")
        print(
            f"  registrations.xlsx: total {result['total']:5.2f} s, "
            f"{len(result['body']) / 1e3:.0f} kB, {result['statements']} SQL statements"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
