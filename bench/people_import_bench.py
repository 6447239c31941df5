"""Time the people import (upload → preview → confirm) for 5,000 rows, through HTTP.

    .venv/bin/python bench/people_import_bench.py              # SQLite (temporary file)
    .venv/bin/python bench/people_import_bench.py --postgres   # also PostgreSQL

PostgreSQL runs in a database this script creates and drops itself (sinergi_bench_people),
never in ``test``. Three rounds: a first import (all new), a re-import where every row
changes (all updates) and the same file again (all unchanged).
"""

import argparse
import io
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SINERGI_ENV", "testing")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import services as users  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.demo import DEMO_OPDS, seed_opds  # noqa: E402
from app.extensions import db  # noqa: E402
from participants.directory.spreadsheets import IMPORT_COLUMNS  # noqa: E402
from participants.models import Person  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "sinergi_bench_people"
PASSWORD = "bench-password-123"  # noqa: S105 (a throwaway database)
LEVELS = ["administrator", "pengawas", "fungsional", "pengawas", "fungsional"]
HIDDEN = re.compile(r'<input type="hidden" name="(token|expected)" value="([^"]*)"')
GOLONGAN = ["III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b"]


def generate_rows(count: int, position_suffix: str = "", codes=None) -> list[list[str]]:
    """``count`` valid, distinct rows (in the OPDs ``codes``, the demo's by default); the same
    NIPs and e-mails on every call."""
    rng = random.Random(5000)
    codes = codes or [code for code, *_rest in DEMO_OPDS]
    rows = []
    for n in range(count):
        born_year = 1965 + n % 30
        nip = f"{born_year}{(n // 30) % 12 + 1:02d}{(n // 360) % 28 + 1:02d}"
        nip += f"{born_year + 25}{rng.randint(1, 12):02d}{n % 2 + 1}{(n // 10080) + 1:03d}"
        rows.append(
            [
                f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}",
                f"Pegawai Uji {n:05d}, S.Sos.",
                f"Analis Kebijakan Ahli Muda{position_suffix}",
                rng.choice(LEVELS),
                rng.choice(GOLONGAN),
                rng.choice(codes),
                f"pegawai{n:05d}@bench.test",
                f"0812{n:08d}",
                "",
            ]
        )
    return rows


def write_xlsx(path: Path, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("pejabat")
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path.read_bytes()


def timed(label: str, func, results: dict):
    started = time.perf_counter()
    response = func()
    results[label] = time.perf_counter() - started
    return response


def run(database_url: str, label: str, count: int, workdir: Path) -> dict:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "UPLOAD_FOLDER": str(workdir / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "1000 per minute",
            "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
        }
    )
    files = {
        "new": write_xlsx(workdir / "pejabat-baru.xlsx", generate_rows(count)),
        "update": write_xlsx(workdir / "pejabat-ubah.xlsx", generate_rows(count, " (mutasi)")),
    }
    files["unchanged"] = files["update"]
    report = {}
    with app.app_context():
        flask_migrate.upgrade()
        seed_opds(lambda _message: None)
        users.save_user(User(), email="panitia@bench.test", name="Panitia", role="organiser",
                        opd_id=None, password=PASSWORD)  # fmt: skip
        db.session.commit()

    client = app.test_client()
    client.post("/login", data={"email": "panitia@bench.test", "password": PASSWORD})
    for round_name, content in files.items():
        times: dict[str, float] = {}
        response = timed(
            "upload",
            lambda content=content: client.post(
                "/people/import",
                data={"file": (io.BytesIO(content), "pejabat.xlsx")},
                content_type="multipart/form-data",
            ),
            times,
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        preview = response.location  # /people/import/preview?token=…
        response = timed("preview", lambda preview=preview: client.get(preview), times)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "masalah" in page
        form = dict(HIDDEN.findall(page))  # what the "Simpan" button sends
        response = timed(
            "confirm", lambda form=form: client.post("/people/import/confirm", data=form), times
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        times["total"] = sum(times.values())
        report[round_name] = times

    with app.app_context():
        people = db.session.scalar(select(func.count()).select_from(Person))
        changed = db.session.scalar(
            select(func.count()).select_from(Person).where(Person.position.like("%(mutasi)"))
        )
        assert people == count and changed == count, (people, changed)
        db.session.remove()
        db.engine.dispose()

    print(f"\n{label}: {count:,} rows, XLSX {len(files['new']) / 1024:.0f} KiB")
    print(f"  {'round':<10} {'upload':>8} {'preview':>8} {'confirm':>8} {'total':>8}")
    for round_name, times in report.items():
        print(
            f"  {round_name:<10} {times['upload']:>7.2f}s {times['preview']:>7.2f}s "
            f"{times['confirm']:>7.2f}s {times['total']:>7.2f}s"
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--postgres", action="store_true", help=f"also run in {PG_DATABASE}")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="people-bench-") as tmp:
        workdir = Path(tmp)
        run(f"sqlite:///{workdir / 'bench.db'}", "SQLite", args.rows, workdir)
        if args.postgres:
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
            try:
                url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE
                pg_dir = workdir / "pg"
                pg_dir.mkdir()
                run(url, "PostgreSQL", args.rows, pg_dir)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
