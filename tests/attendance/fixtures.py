"""Factories and helpers for attendance tests (loaded for the whole suite by tests/conftest.py)."""

import io
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from attendance.checkins import Place, Scan, record_scan
from participants.models import Person, Registration


def nonce() -> str:
    return uuid.uuid4().hex


def post_scans(client, event, scans, **headers):
    """POST scans (dicts; nonce filled in when missing) to the check-in API as a device would."""
    body = {"scans": [{"nonce": nonce(), "session_id": None, **scan} for scan in scans]}
    if "Authorization" not in headers and "X-CSRFToken" not in headers:
        headers["X-CSRFToken"] = client.csrf_token()
    return client.post(f"/api/v1/events/{event.slug}/checkins", json=body, headers=headers)


@pytest.fixture
def check_in():
    """check_in(registration, session=None, at=None) → the stored answer of an ok scan."""

    def scan(registration, session=None, at=None, method="scan"):
        event = registration.event
        answer = record_scan(
            Place.of(event, session),
            Scan(code=registration.pass_token, nonce=nonce(), scanned_at=at),
            method=method,
            checked_at=at,
        )
        db.session.expire_all()
        return answer

    return scan


# --- reading what the lists count (shared by the outside-event tests and the state machine) ---


def wib(year, month, day, hour=0, minute=0, zone="Asia/Jakarta") -> datetime:
    """An instant given as wall-clock time in ``zone`` (WIB by default)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


def _scope_args(day=None, session=None) -> dict:
    return {"session": session.id} if session is not None else {"day": day.isoformat()}


def attendance_api_rows(client, event, day=None, session=None) -> list[dict]:
    """``GET /api/v1/events/<slug>/attendance`` for ``day`` or ``session``: its rows."""
    response = client.get(
        f"/api/v1/events/{event.slug}/attendance", query_string=_scope_args(day, session)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["attendance"]


def attendance_api_present(client, event, day=None, session=None) -> set[int]:
    """Registrations present (hadir or terlambat) on ``day`` or in ``session``, as the
    attendance API tells it."""
    return {
        row["registration_id"]
        for row in attendance_api_rows(client, event, day, session)
        if row["status"] in ("hadir", "terlambat")
    }


def checked_in(rows: list[dict]) -> set[int]:
    """Registrations of the attendance API's ``rows`` with a first ``ok`` at the event."""
    return {row["registration_id"] for row in rows if row["checked_in_at"]}


_PRESENT_CARD = re.compile(r'data-scope="([^"]+)" data-present="(\d+)"')


def dashboard_present(client, event, day) -> dict:
    """The live dashboard's present counts of ``day``: {"door": n, session_id: n, …}."""
    response = client.get(f"/events/{event.slug}/attendance/live?day={day.isoformat()}")
    assert response.status_code == 200, response.status_code
    return {
        scope if scope == "door" else int(scope): int(present)
        for scope, present in _PRESENT_CARD.findall(response.get_data(as_text=True))
    }


def daftar_hadir_present(client, event, day=None, session=None) -> set[int]:
    """Registrations whose row of the daftar hadir XLSX has a "Waktu hadir" (matched by name:
    the tests give everyone a distinct name)."""
    response = client.get(
        f"/events/{event.slug}/daftar-hadir.xlsx", query_string=_scope_args(day, session)
    )
    assert response.status_code == 200, response.status_code
    rows = list(load_workbook(io.BytesIO(response.data), read_only=True).active.values)
    header_at = next(i for i, row in enumerate(rows) if "Waktu hadir" in row and "Nama" in row)
    header = rows[header_at]
    name, came = header.index("Nama"), header.index("Waktu hadir")
    names = {row[name] for row in rows[header_at + 1 :] if row[came] not in (None, "")}
    ids = dict(
        db.session.execute(
            select(Person.name, Registration.id)
            .join(Registration.person)
            .where(Registration.event_id == event.id)
        ).all()
    )
    return {ids[n] for n in names}
