"""Faults: the server killed in the middle of an offline batch, restarted, the device sending
the batch again: every scan is stored exactly once."""

import json
import os
import signal
import sqlite3
import threading
import time
import urllib.request
import uuid

from sqlalchemy import func, insert, select, text

from app.auth import services as user_services
from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance.models import CheckIn
from participants.models import Person, Registration
from tests.servers import free_port, start_gunicorn


def _post(port, slug, token, scans):
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"http://127.0.0.1:{port}/api/v1/events/{slug}/checkins",
        data=json.dumps({"scans": scans}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def _writing(database_url) -> bool:
    """Whether another connection is inside a write transaction on ``checkin``."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
            return False
        except sqlite3.OperationalError:  # database is locked: the server holds the write
            return True
        finally:
            connection.close()
    return bool(
        db.session.scalar(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE c.relname = 'checkin' AND l.mode = 'RowExclusiveLock'"
                " AND l.pid <> pg_backend_pid()"
            )
        )
    )


def test_a_server_killed_mid_batch_loses_and_doubles_nothing(
    database_url, make_event, make_user, make_opd
):
    event = make_event("pintu", start=to_zone(utcnow()).date())
    opd = make_opd()
    db.session.execute(
        insert(Person),
        [{"name": f"Peserta {n}", "level": "fungsional", "opd_id": opd.id} for n in range(200)],
    )
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "person_id": pid,
                "status": "confirmed",
                "pass_token": f"pass-{pid}-{uuid.uuid4().hex[:8]}",
                "link_token": f"link-{pid}-{uuid.uuid4().hex[:8]}",
            }
            for pid in db.session.scalars(select(Person.id))
        ],
    )
    operator = make_user("operator")
    token = user_services.issue_token(operator)
    db.session.commit()
    tokens = db.session.scalars(select(Registration.pass_token)).all()
    scans = [{"code": t, "nonce": uuid.uuid4().hex, "session_id": None} for t in tokens]
    slug = event.slug

    port = free_port()
    server = start_gunicorn(port, database_url, CHECKIN_RATE_LIMIT="100000 per minute")
    outcome = {}

    def device():
        try:
            outcome["first"] = _post(port, slug, token, scans)
        except Exception as exc:  # noqa: BLE001 (the connection dies with the server)
            outcome["error"] = exc

    sender = threading.Thread(target=device)
    sender.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # wait until the batch is being written
        if _writing(database_url):
            break
        time.sleep(0)  # the batch holds its write for milliseconds
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    sender.join()
    db.session.remove()
    stored_before = db.session.scalar(select(func.count()).select_from(CheckIn))
    # A batch is one transaction: killed while writing, none of it is kept (never a part).
    assert "error" in outcome and stored_before == 0, (outcome, stored_before)

    server = start_gunicorn(port, database_url, CHECKIN_RATE_LIMIT="100000 per minute")
    try:
        answers = _post(port, slug, token, scans)["results"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    db.session.remove()
    assert [a["result"] for a in answers] == ["ok"] * len(scans)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == len(scans)
    assert db.session.scalar(select(func.count(func.distinct(CheckIn.registration_id)))) == len(
        scans
    )
