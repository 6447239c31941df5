"""A participant's own agenda (their group's sessions) and its calendar feed."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from agenda import presenters
from agenda.ical import build_calendar
from app.encoded_cache import Lru
from app.i18n import locale_name
from app.timeutil import utcnow
from participants.facts import sessions_for_group
from participants.models import (
    Registration,
)

# --- the personal page ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalAgenda:
    header: presenters.EventHeader
    key: tuple | None  # the published version's (presenters.version_key), None before one
    published_at: datetime | None
    event: dict | None  # the snapshot's event (for calendars)
    sessions: list[dict]
    days: list

    @property
    def has_agenda(self) -> bool:
        return self.key is not None


# One entry per published version, group and language, shared by the group's participants.
_AGENDAS = Lru(256)


def personal_agenda(registration: Registration) -> PersonalAgenda:
    """The participant's own agenda from the latest published version: built once per
    version, group and language; a request reads only which version is the latest."""
    event = registration.event
    version = presenters.latest_headline(event) if event.status != "draft" else None
    if version is None:
        header = presenters.header_from_event(event)
        return PersonalAgenda(header, None, None, None, [], [])
    key = (*presenters.version_key(version), registration.group, locale_name())
    agenda = _AGENDAS.get(key)
    if agenda is not None:
        return agenda
    snapshot = version.snapshot  # loaded only now, on a miss
    header = presenters.header_from_snapshot(snapshot["event"])
    # Cancelled sessions stay on the page (struck through) and in the calendar (as cancelled).
    sessions = sessions_for_group(snapshot["sessions"], registration.group, with_cancelled=True)
    days = presenters.agenda_days(header, sessions)
    return _AGENDAS.put(
        key,
        PersonalAgenda(
            header,
            presenters.version_key(version),
            version.published_at,
            snapshot["event"],
            sessions,
            days,
        ),
    )


def personal_calendar(registration: Registration, agenda: PersonalAgenda, url: str) -> str:
    """The participant's sessions as iCalendar (UIDs and SEQUENCE from the snapshot). For a
    cancelled registration every session is marked cancelled, so calendars drop them."""
    if agenda.key is None:
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
        agenda.published_at,
        url,
    )


def calendar_etag(registration: Registration, agenda: PersonalAgenda) -> str:
    version = agenda.key[0] if agenda.key else 0
    text = f"{registration.id}|{registration.group}|{registration.status}|{version}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]
