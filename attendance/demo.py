"""Demo attendance: the past Strategic Meeting as it went at the door and in the sessions.

Most came on time, some late, some sent word (izin, sakit, dinas luar), delegates stood in for
their heads, and a few scans failed (a photocopied pass, a pass replaced after it was lost).
Today's Rapat Koordinasi is left for the demo operator to scan.
"""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from agenda.models import Event
from agenda.services import to_utc
from app.auth.models import User
from app.demo_steps import demo_step
from app.extensions import db
from attendance.checkins import new_nonce
from attendance.models import AttendanceMark, CheckIn, scope_key
from attendance.services import attendance_sessions
from participants.models import Registration

SEED = "sinergi-attendance"
DEVICES = ("pintu-utama-1", "pintu-utama-2")


def _at(event: Event, day, clock: time, minutes: float) -> datetime:
    return to_utc(datetime.combine(day, clock), event.timezone) + timedelta(minutes=minutes)


def _checkin(event, registration_id, day, session, at, operator_id, device, result="ok", code=""):
    return CheckIn(
        event_id=event.id,
        registration_id=registration_id,
        session_id=session.id if session else None,
        day=day,
        result=result,
        method="scan",
        nonce=new_nonce(),
        ok_key=f"{registration_id}:{scope_key(day, session.id if session else None)}"
        if result == "ok"
        else None,
        raw_code=code,
        scanned_at=at,
        received_at=at,
        checked_at=at,
        operator_id=operator_id,
        device=device,
    )


def _seed_meeting(event: Event, rng: random.Random, operator_id) -> int:
    day = event.start_date
    sessions = attendance_sessions(event)
    first = sessions[0] if sessions else None
    opening = first.starts_at if first else _at(event, day, time(8), 0)
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.id)
    ).all()
    rows, reasons = [], ("izin", "sakit", "dinas_luar")
    notes = {
        "izin": "Mendampingi kunjungan kerja Gubernur",
        "sakit": "Surat keterangan dokter menyusul",
        "dinas_luar": "Rapat di Kementerian Dalam Negeri, Jakarta",
    }
    for registration in registrations:
        roll = rng.random()
        if roll < 0.06:  # sent word
            reason = rng.choice(reasons)
            rows.append(
                AttendanceMark(
                    event_id=event.id,
                    registration_id=registration.id,
                    day=day,
                    scope=scope_key(day, None),
                    status=reason,
                    note=notes[reason],
                )
            )
            continue
        if roll < 0.09:  # simply did not come
            continue
        late = rng.random() < 0.12
        minutes = rng.uniform(17, 50) if late else rng.uniform(-45, 10)
        arrived = opening + timedelta(minutes=minutes)
        device = rng.choice(DEVICES)
        rows.append(_checkin(event, registration.id, day, None, arrived, operator_id, device))
        for session in sessions:
            if session.track and session.track != registration.group:
                continue
            if session.starts_at < arrived - timedelta(minutes=5) and session is not first:
                continue
            if rng.random() < 0.08:  # left before this session
                continue
            at = max(arrived, session.starts_at + timedelta(minutes=rng.uniform(-8, 6)))
            rows.append(_checkin(event, registration.id, day, session, at, operator_id, device))
        if rng.random() < 0.03:  # scanned twice at the door: the second one is a duplicate
            again = _checkin(event, registration.id, day, None, arrived, operator_id, device)
            again.result, again.ok_key = "duplicate", None
            again.checked_at = again.scanned_at = again.received_at = arrived + timedelta(minutes=2)
            rows.append(again)
    for code in ("SALINAN-KARTU-FOTOKOPI", "https://wa.me/6281234567890", "0000000000"):
        at = opening - timedelta(minutes=rng.uniform(5, 30))
        rows.append(_checkin(event, None, day, None, at, operator_id, DEVICES[0], "unknown", code))
    db.session.add_all(rows)
    return len(rows)


@demo_step(60)
def seed_attendance(echo):
    event = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iii"))
    if event is None:
        return
    if db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event.id)
    ):
        echo("Attendance: already seeded")
        return
    operator_id = db.session.scalar(select(User.id).where(User.email == "operator@demo.test"))
    made = _seed_meeting(event, random.Random(SEED), operator_id)
    db.session.flush()
    echo(f"Attendance: {made} check-ins and marks for {event.title}")
