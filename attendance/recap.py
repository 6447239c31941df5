"""Attendance across the events of a series, per OPD: in person, represented, excused, absent."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from agenda.models import Event
from app.extensions import db
from attendance.models import AttendanceMark, CheckIn
from attendance.services import EXPECTED_STATUSES
from participants.models import Person, Registration


@dataclass
class SeriesCell:
    """One OPD at one event of a series."""

    in_person: int = 0
    delegated: int = 0  # the head sent a delegate who came
    excused: int = 0
    absent: int = 0


def series_recap(series) -> tuple[list[Event], list[tuple[object, dict[int, SeriesCell]]]]:
    """Per OPD and event of ``series``: who came in person, who was represented by a delegate,
    who sent word and who was absent (a fixed number of queries however many events)."""
    events = db.session.scalars(
        select(Event).where(Event.series_id == series.id).order_by(Event.start_date)
    ).all()
    ids = [event.id for event in events]
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.person)
        .where(Registration.event_id.in_(ids))
        .options(
            contains_eager(Registration.person).joinedload(Person.opd),
            contains_eager(Registration.person).lazyload(Person.headships),
        )
    ).all()
    came = set(
        db.session.scalars(
            select(CheckIn.registration_id).where(CheckIn.event_id.in_(ids), CheckIn.result == "ok")
        )
    )
    excused = set(
        db.session.scalars(
            select(AttendanceMark.registration_id).where(
                AttendanceMark.event_id.in_(ids), AttendanceMark.session_id.is_(None)
            )
        )
    )
    delegate_came = {r.delegate_of_id for r in registrations if r.delegate_of_id and r.id in came}
    table: dict = {}
    for registration in registrations:
        if registration.delegate_of_id is not None:
            continue  # counted with the head it stood in for
        opd = registration.person.opd
        cells = table.setdefault(opd.id if opd else 0, (opd, {}))[1]
        cell = cells.setdefault(registration.event_id, SeriesCell())
        if registration.id in came:
            cell.in_person += 1
        elif registration.status == "delegated" and registration.id in delegate_came:
            cell.delegated += 1
        elif registration.status in EXPECTED_STATUSES or registration.status == "delegated":
            if registration.id in excused:
                cell.excused += 1
            else:
                cell.absent += 1
    rows = sorted(table.values(), key=lambda item: (item[0] is None, str(item[0] or "")))
    return events, rows
