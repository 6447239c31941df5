"""Factories and helpers for attendance tests (loaded for the whole suite by tests/conftest.py)."""

import uuid

import pytest

from app.extensions import db
from attendance.checkins import Place, Scan, record_scan


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
