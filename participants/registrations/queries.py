"""The registration list of an event and its counts, and the events overview."""

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from agenda.models import Event
from agenda.models import Session as AgendaSession
from app.extensions import db
from participants.directory.people import person_search_clause
from participants.models import (
    REGISTRATION_ROLES,
    REGISTRATION_STATUSES,
    Person,
    Registration,
)

# --- the list --------------------------------------------------------------------------------


def registration_query(
    event: Event,
    *,
    search: str = "",
    status: str = "",
    role: str = "",
    opd_id: int | None = None,
    group: str | None = None,
):
    """Registrations of ``event`` with person, OPD, head (delegate_of) and delegates loaded in
    a fixed number of queries however many there are."""
    query = (
        select(Registration)
        .join(Registration.person)
        .outerjoin(Person.opd)
        .where(Registration.event_id == event.id)
        .options(
            contains_eager(Registration.person).contains_eager(Person.opd),
            joinedload(Registration.delegate_of).joinedload(Registration.person),
            selectinload(Registration.delegates).joinedload(Registration.person),
        )
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
