"""The reference every check-in figure stands beside: the leanest honest check-in on Sinergi's
own schema and indexes, written for the benchmark (bench/README.md), served by the same gunicorn.

Per request: the operator from the bearer token (one statement); per scan: the pass read with
its person and OPD, of the event named in the URL (one statement), and one guarded insert
that decides ``ok`` or ``duplicate`` (the unique ``ok_key`` settles a race); a commit per scan,
so a batch is never half lost. SQLAlchemy Core, no ORM. Same JSON answer shape as Sinergi's
API for these results; none of Sinergi's other rules (sessions, windows, replaced passes,
delegates, offices, nonce replays, CSRF, rate limits), which is what makes it the floor.

    DATABASE_URL=… gunicorn -w 2 bench.reference_checkin:app
"""

import hashlib
import os
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"])


@event.listens_for(engine, "connect")
def _as_sinergi(dbapi_connection, _record):
    # The same SQLite settings as Sinergi's connections (app/__init__.py), so both pay the
    # same for a commit.
    if engine.dialect.name == "sqlite":
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


USER = text(
    "SELECT id FROM user_account WHERE api_token_hash = :hash AND active = :yes"
).bindparams(yes=True)
PASS = text(
    "SELECT r.id, r.event_id, r.status, p.name, p.position, o.code, o.name"
    " FROM registration r JOIN event e ON e.id = r.event_id"
    " JOIN person p ON p.id = r.person_id LEFT JOIN opd o ON o.id = p.opd_id"
    " WHERE r.pass_token = :code AND e.slug = :slug"
)
INSERT = text(
    "INSERT INTO checkin (event_id, registration_id, day, result, method, nonce, ok_key,"
    " raw_code, received_at, checked_at, late_upload, operator_id, device)"
    " SELECT :event_id, :registration_id, :day,"
    " CASE WHEN f.at IS NULL THEN 'ok' ELSE 'duplicate' END, 'scan', :nonce,"
    " CASE WHEN f.at IS NULL THEN :ok_key END, '', :now, :now, :no, :operator_id, :device"
    " FROM (SELECT (SELECT checked_at FROM checkin WHERE ok_key = :ok_key) AS at) f"
    " RETURNING result"
).bindparams(no=False)
FIRST = text("SELECT checked_at FROM checkin WHERE ok_key = :ok_key")


@app.post("/api/v1/events/<slug>/checkins")
def checkins(slug):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    digest = hashlib.sha256(token.encode()).hexdigest()
    scans = (request.get_json(silent=True) or {}).get("scans") or []
    device = (request.headers.get("X-Sinergi-Device") or "")[:64]
    results = []
    with engine.connect() as conn:
        operator = conn.execute(USER, {"hash": digest}).scalar()
        if operator is None:
            return jsonify(error={"code": 401, "message": "Perlu autentikasi."}), 401
        for scan in scans:
            now = datetime.now(UTC).replace(tzinfo=None)
            row = conn.execute(PASS, {"code": scan["code"], "slug": slug}).first()
            if row is None or row[2] == "cancelled":
                results.append({"nonce": scan["nonce"], "result": "unknown"})
                continue
            values = {
                "event_id": row[1],
                "registration_id": row[0],
                "day": now.date(),
                "nonce": scan["nonce"],
                "ok_key": f"{row[0]}:d{now.date().isoformat()}",
                "now": now,
                "operator_id": operator,
                "device": device,
            }
            try:
                result = conn.execute(INSERT, values).scalar()
                conn.commit()
            except IntegrityError:  # another device took the ok in between: a duplicate
                conn.rollback()
                result = conn.execute(INSERT, values).scalar()
                conn.commit()
            results.append(
                {
                    "nonce": scan["nonce"],
                    "result": result,
                    "registration": {
                        "id": row[0],
                        "name": row[3],
                        "position": row[4],
                        "opd": {"code": row[5], "name": row[6]} if row[5] else None,
                    },
                    "first_checked_at": None,
                }
            )
    return jsonify(results=results)
