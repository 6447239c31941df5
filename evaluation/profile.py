"""What the OPD profile adds from attendance: did the head come to the meetings in person?"""

from sqlalchemy import select

from agenda.models import Event
from app.extensions import db
from attendance.models import CheckIn
from followup.services import today
from participants.models import OpdHead, Registration


def head_attendance(opd) -> list[dict]:
    """Each meeting held that the OPD's head was invited to: came in person, sent a delegate who
    came, or absent (newest first; four queries)."""
    heads = list(db.session.scalars(select(OpdHead.person_id).where(OpdHead.opd_id == opd.id)))
    if not heads:
        return []
    registrations = db.session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id.in_(heads),
            Registration.delegate_of_id.is_(None),
            Event.start_date <= today(),  # meetings still to come say nothing yet
        )
        .order_by(Event.start_date.desc())
    ).all()
    ids = [r.id for r, _e in registrations]
    delegates = dict(
        db.session.execute(
            select(Registration.delegate_of_id, Registration.id).where(
                Registration.delegate_of_id.in_(ids)
            )
        ).all()
    )
    came = set(
        db.session.scalars(
            select(CheckIn.registration_id).where(
                CheckIn.result == "ok", CheckIn.registration_id.in_(ids + list(delegates.values()))
            )
        )
    )
    rows = []
    for registration, event in registrations:
        if registration.id in came:
            state = "in_person"
        elif delegates.get(registration.id) in came:
            state = "delegated"
        else:
            state = "absent"
        rows.append({"event": event, "state": state})
    return rows
