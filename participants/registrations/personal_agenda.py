"""A participant's own agenda (their group's sessions) and its calendar feed."""

import hashlib
from dataclasses import dataclass

from agenda import presenters
from agenda.ical import build_calendar
from agenda.models import AgendaVersion
from app.timeutil import utcnow
from participants.facts import sessions_for_group
from participants.models import (
    Registration,
)

# --- the personal page ----------------------------------------------------------------------


@dataclass
class PersonalAgenda:
    header: presenters.EventHeader
    version: AgendaVersion | None
    event: dict | None  # the snapshot's event (for calendars)
    sessions: list[dict]
    days: list

    @property
    def has_agenda(self) -> bool:
        return self.version is not None


def personal_agenda(registration: Registration) -> PersonalAgenda:
    """The participant's own agenda from the latest published version (two queries)."""
    event = registration.event
    version = presenters.latest_published(event) if event.status != "draft" else None
    if version is None:
        header = presenters.header_from_event(event)
        return PersonalAgenda(header, None, None, [], [])
    snapshot = version.snapshot
    header = presenters.header_from_snapshot(snapshot["event"])
    # Cancelled sessions stay on the page (struck through) and in the calendar (as cancelled).
    sessions = sessions_for_group(snapshot["sessions"], registration.group, with_cancelled=True)
    return PersonalAgenda(
        header, version, snapshot["event"], sessions, presenters.agenda_days(header, sessions)
    )


def personal_calendar(registration: Registration, agenda: PersonalAgenda, url: str) -> str:
    """The participant's sessions as iCalendar (UIDs and SEQUENCE from the snapshot). For a
    cancelled registration every session is marked cancelled, so calendars drop them."""
    if agenda.version is None:
        return build_calendar(agenda.header.title, [], utcnow(), url)
    sessions = agenda.sessions
    if registration.status == "cancelled":
        sessions = [
            s if s["cancelled"] else s | {"cancelled": True, "sequence": s["sequence"] + 1}
            for s in sessions
        ]
    return build_calendar(
        agenda.header.title,
        [(s, agenda.event) for s in sessions],
        agenda.version.published_at,
        url,
    )


def calendar_etag(registration: Registration, agenda: PersonalAgenda) -> str:
    version = agenda.version.id if agenda.version else 0
    text = f"{registration.id}|{registration.group}|{registration.status}|{version}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]
