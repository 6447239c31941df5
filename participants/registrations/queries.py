"""The registration list of an event and its counts, and the events overview."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from agenda.models import Event
from agenda.models import Session as AgendaSession
from app.extensions import db
from app.opds.models import Opd
from participants.directory.people import person_search_clause
from participants.models import (
    REGISTRATION_ROLES,
    REGISTRATION_STATUSES,
    OpdHead,
    Person,
    Registration,
    position_line,
)
from participants.registrations.core import SEAT_STATUSES

# --- the list --------------------------------------------------------------------------------


def registration_ids(
    event: Event,
    *,
    search: str = "",
    status: str = "",
    role: str = "",
    opd_id: int | None = None,
    group: str | None = None,
):
    """Ids of the registrations of ``event`` the filters keep, in name order (the list pages
    these; ``list_rows`` reads a page of them)."""
    query = (
        select(Registration.id)
        .join(Registration.person)
        .outerjoin(Person.opd)
        .where(Registration.event_id == event.id)
        .order_by(Person.sort_name, func.lower(Person.name), Registration.id)
    )
    search = (search or "").strip()
    if search:
        query = query.where(person_search_clause(search))
    if status in REGISTRATION_STATUSES:
        query = query.where(Registration.status == status)
    if role in REGISTRATION_ROLES:
        query = query.where(Registration.role == role)
    if opd_id:
        query = query.where(Person.opd_id == opd_id)
    if group is not None:
        query = query.where(Registration.group == group)
    return query


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the participant list: what it prints, nothing more."""

    id: int
    status: str
    role: str
    group: str
    name: str
    position: str  # Person.position_line's rule
    opd_name: str | None
    opd_short_name: str | None
    institution: str
    delegates: list[str]  # the names of the delegates that hold a place
    delegate_of: str | None  # the name of whom this one represents


# Made once: an alias builds its column collections (half a millisecond each).
_HEAD = aliased(Registration)
_HEAD_PERSON = aliased(Person)


def list_rows(ids: list[int]) -> list[ListRow]:
    """The rows of registrations ``ids``, in that order: plain columns in three statements
    (registrations with person, OPD and the represented person; delegates; headships),
    without an ORM object per row."""
    if not ids:
        return []
    head, head_person = _HEAD, _HEAD_PERSON
    found = {
        row.id: row
        for row in db.session.execute(
            select(
                Registration.id,
                Registration.status,
                Registration.role,
                Registration.group,
                Person.id.label("person_id"),
                Person.name,
                Person.position,
                Person.institution,
                Opd.name.label("opd_name"),
                Opd.short_name.label("opd_short_name"),
                head_person.name.label("delegate_of"),
            )
            .join(Person, Person.id == Registration.person_id)
            .outerjoin(Opd, Opd.id == Person.opd_id)
            .outerjoin(head, head.id == Registration.delegate_of_id)
            .outerjoin(head_person, head_person.id == head.person_id)
            .where(Registration.id.in_(ids))
        )
    }
    delegates = defaultdict(list)
    for head_id, name in db.session.execute(
        select(Registration.delegate_of_id, Person.name)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.delegate_of_id.in_(ids), Registration.status.in_(SEAT_STATUSES))
        .order_by(Registration.id)
    ):
        delegates[head_id].append(name)
    headships = defaultdict(list)
    person_ids = {row.person_id for row in found.values()}
    for headship in db.session.scalars(
        select(OpdHead).where(OpdHead.person_id.in_(person_ids)).order_by(OpdHead.opd_id)
    ):
        headships[headship.person_id].append(headship)
    return [
        ListRow(
            id=row.id,
            status=row.status,
            role=row.role,
            group=row.group,
            name=row.name,
            position=position_line(row.position, headships.get(row.person_id, [])),
            opd_name=row.opd_name,
            opd_short_name=row.opd_short_name,
            institution=row.institution,
            delegates=delegates.get(row.id, []),
            delegate_of=row.delegate_of,
        )
        for row in (found[i] for i in ids if i in found)
    ]


def status_counts(event: Event) -> dict[str, int]:
    counts = dict.fromkeys(REGISTRATION_STATUSES, 0)
    counts.update(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    )
    return counts


def event_groups(event: Event) -> list[str]:
    """Groups in use: the tracks of the event's sessions and the groups of its registrations."""
    tracks = set(
        db.session.scalars(
            select(AgendaSession.track)
            .where(AgendaSession.event_id == event.id, AgendaSession.track != "")
            .distinct()
        )
    )
    tracks.update(
        db.session.scalars(
            select(Registration.group)
            .where(Registration.event_id == event.id, Registration.group != "")
            .distinct()
        )
    )
    return sorted(tracks)


def registered_person_ids(event: Event, person_ids) -> set[int]:
    ids = list(person_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Registration.person_id).where(
                Registration.event_id == event.id, Registration.person_id.in_(ids)
            )
        )
    )


def get_registration(event: Event, registration_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.id == registration_id, Registration.event_id == event.id)
        .options(
            joinedload(Registration.person).joinedload(Person.opd),
            joinedload(Registration.delegate_of).joinedload(Registration.person),
            selectinload(Registration.delegates).joinedload(Registration.person),
        )
    )


def events_overview():
    """Events, newest first (the registrations overview; counts come from ``counts_by_event``)."""
    return select(Event).order_by(Event.start_date.desc(), Event.id.desc())


def counts_by_event(event_ids) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REGISTRATION_STATUSES, 0))
    ids = list(event_ids)
    if ids:
        for event_id, status, count in db.session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id, Registration.status)
        ):
            counts[event_id][status] = count
    return counts
