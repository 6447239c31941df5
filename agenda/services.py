"""Agenda logic: events, sessions, rooms and speakers, copying events.

Times are stored as naive UTC and converted with the event's zone at the edges. Conflicts live
in agenda.conflicts, publication (versions, change lists) in agenda.versions.
"""

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from agenda.models import AgendaVersion, Event, Room, Session, SessionSpeaker, Speaker
from app.audit.services import OBJECT_LABELS, pending_changes, record, save_audited
from app.extensions import db
from app.timeutil import to_zone

OBJECT_LABELS.update(
    {
        "Event": _l("Acara"),
        "Session": _l("Sesi"),
        "Room": _l("Ruang"),
        "Speaker": _l("Narasumber"),
        "AgendaVersion": _l("Versi susunan acara"),
    }
)

# --- time helpers ---------------------------------------------------------------------------


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as naive UTC (the stored form)."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def local_day(value: datetime, zone: str) -> date:
    return to_zone(value, zone).date()


# --- queries --------------------------------------------------------------------------------


def session_query(event: Event):
    """Live sessions of ``event`` with everything a page or export needs, in two queries."""
    return (
        select(Session)
        .where(Session.event_id == event.id)
        .options(
            joinedload(Session.room),
            selectinload(Session.speaker_links).joinedload(SessionSpeaker.speaker),
        )
        .order_by(Session.starts_at, Session.id)
    )


def live_sessions(event: Event) -> list[Session]:
    return list(db.session.scalars(session_query(event)).unique())


def latest_version(event: Event) -> AgendaVersion | None:
    return db.session.scalar(
        select(AgendaVersion)
        .where(AgendaVersion.event_id == event.id)
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )


def get_version(event: Event, number: int) -> AgendaVersion | None:
    return db.session.scalar(
        select(AgendaVersion).where(
            AgendaVersion.event_id == event.id, AgendaVersion.number == number
        )
    )


# --- sessions -------------------------------------------------------------------------------


def session_times(event: Event, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A session's start and end typed on ``day`` in the event's zone, as stored (UTC); an end
    at or before the start is the next day's (a session past midnight)."""
    starts, ends = datetime.combine(day, start), datetime.combine(day, end)
    if ends <= starts:
        ends += timedelta(days=1)
    return to_utc(starts, event.timezone), to_utc(ends, event.timezone)


def chosen_speakers(rows) -> list[tuple[Speaker, str]]:
    """The speakers picked in a session form, as (speaker, role) in the form's order: each
    speaker once (the first row wins), unknown ids left out. ``rows``: (speaker id, role)."""
    rows = [(speaker_id, role) for speaker_id, role in rows if speaker_id]
    found = {
        s.id: s
        for s in db.session.scalars(select(Speaker).where(Speaker.id.in_([i for i, _r in rows])))
    }
    chosen, seen = [], set()
    for speaker_id, role in rows:
        if speaker_id in found and speaker_id not in seen:
            seen.add(speaker_id)
            chosen.append((found[speaker_id], role))
    return chosen


def save_session(
    session: Session, *, event: Event, speakers: list[tuple[Speaker, str]] | None = None, **fields
) -> Session:
    """Create or update a session; ``speakers`` is a list of (speaker, role)."""
    creating = session.id is None
    # No autoflush: reading the speaker links must not flush (and hide) the field changes.
    with db.session.no_autoflush:
        session.event = event
        for key, value in fields.items():
            setattr(session, key, value)
        changes = None if creating else pending_changes(session)
        if speakers is not None:
            before = [(link.speaker.name, link.role) for link in session.speaker_links]
            _set_speakers(session, speakers)
            after = [(speaker.name, role) for speaker, role in speakers]
            if changes is not None and before != after:
                changes["speakers"] = [_people(before), _people(after)]
    if creating:
        db.session.add(session)
    record(session, "create" if creating else "update", changes=changes)
    return session


def _people(pairs: list[tuple[str, str]]) -> str:
    return "; ".join(f"{name} ({role})" for name, role in pairs)


def _set_speakers(session: Session, speakers: list[tuple[Speaker, str]]) -> None:
    wanted = {speaker.id: (position, role) for position, (speaker, role) in enumerate(speakers)}
    for link in list(session.speaker_links):
        if link.speaker_id not in wanted:
            session.speaker_links.remove(link)
    existing = {link.speaker_id: link for link in session.speaker_links}
    for speaker, role in speakers:
        position, role = wanted[speaker.id]
        link = existing.get(speaker.id)
        if link is None:
            link = SessionSpeaker(speaker=speaker)
            session.speaker_links.append(link)
        link.role, link.position = role, position


def move_session(session: Session, *, starts_at: datetime, room_id: int | None) -> Session:
    """Move keeping the duration."""
    duration = session.ends_at - session.starts_at
    session.starts_at, session.ends_at, session.room_id = starts_at, starts_at + duration, room_id
    record(session, "update")
    return session


def _clone(session: Session, **overrides) -> Session:
    """A new, unsaved session with the same content and speakers as ``session``."""
    fields = {
        key: getattr(session, key)
        for key in (
            "event_id",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "room_id",
            "track",
            "takes_attendance",
            "late_after_minutes",
            "description",
            "opd_id",
        )
    }
    clone = Session(**{**fields, **overrides})
    clone.speaker_links = [
        SessionSpeaker(speaker_id=link.speaker_id, role=link.role, position=link.position)
        for link in session.speaker_links
    ]
    return clone


def duplicate_session(session: Session) -> Session:
    copy = _clone(session)
    db.session.add(copy)
    record(copy, "create")
    return copy


def delete_session(session: Session) -> None:
    """Delete a session. If it was ever published, the next version lists it as cancelled."""
    record(session, "delete")
    db.session.delete(session)


def set_cancelled(session: Session, cancelled: bool) -> None:
    session.cancelled = cancelled
    record(session, "update")


# --- events ---------------------------------------------------------------------------------


def save_event(event: Event, **fields) -> Event:
    old_zone = event.timezone if event.id is not None else None
    save_audited(event, **fields)
    if old_zone and event.timezone != old_zone:
        _keep_wall_clock(event, old_zone)
    return event


def _keep_wall_clock(event: Event, old_zone: str) -> None:
    """A new time zone keeps 09.00 at 09.00: the agenda was planned in local time."""
    for session in live_sessions(event):
        for attribute in ("starts_at", "ends_at"):
            local = to_zone(getattr(session, attribute), old_zone).replace(tzinfo=None)
            setattr(session, attribute, to_utc(local, event.timezone))


def set_status(event: Event, status: str) -> None:
    event.status = status
    record(event, "update")


def copy_event(source: Event, *, slug: str, title: str, start_date: date) -> Event:
    """A new draft event with ``source``'s rooms and sessions, shifted to ``start_date``.

    Wall-clock times are kept in the event's zone (09.00 stays 09.00).
    """
    shift = start_date - source.start_date
    event = Event(
        slug=slug,
        title=title,
        kind=source.kind,
        series_id=source.series_id,
        start_date=start_date,
        end_date=source.end_date + shift,
        timezone=source.timezone,
        venue=source.venue,
        description=source.description,
        organiser_opd_id=source.organiser_opd_id,
        status="draft",
    )
    db.session.add(event)
    rooms = {}
    for room in source.rooms:
        rooms[room.id] = Room(name=room.name, capacity=room.capacity, position=room.position)
        event.rooms.append(rooms[room.id])
    zone = source.timezone
    for session in live_sessions(source):
        if session.cancelled:
            continue
        start_local = to_zone(session.starts_at, zone).replace(tzinfo=None) + shift
        end_local = to_zone(session.ends_at, zone).replace(tzinfo=None) + shift
        copy = _clone(
            session,
            event_id=None,
            starts_at=to_utc(start_local, zone),
            ends_at=to_utc(end_local, zone),
            room_id=None,
        )
        copy.room = rooms.get(session.room_id)
        event.sessions.append(copy)
    record(
        event,
        "create",
        changes={"copied_from": [None, source.slug], "sessions": [None, len(event.sessions)]},
    )
    return event


def day_bounds(event: Event, day: date) -> tuple[datetime, datetime]:
    """Stored (UTC) bounds of one local day of the event."""
    start = to_utc(datetime.combine(day, time.min), event.timezone)
    return start, start + timedelta(days=1)


class SlugTaken(ValueError):
    """Another event already has this address; the message is for the organiser."""

    def __init__(self, slug: str):
        super().__init__(_("Alamat %(slug)s sudah dipakai acara lain.", slug=slug))
        self.slug = slug


def event_slug(requested: str | None, title: str, event: Event | None = None) -> str:
    """The address of a new or edited ``event``: the one asked for, or one made from the title.

    Raises SlugTaken when another event has the requested address.
    """
    if not requested:
        return unique_slug(title, exclude_id=event.id if event else None)
    holder = db.session.scalar(select(Event.id).where(Event.slug == requested))
    if holder is not None and (event is None or holder != event.id):
        raise SlugTaken(requested)
    return requested


def unique_slug(text: str, exclude_id: int | None = None) -> str:
    """A URL slug from ``text``, made unique among events with -2, -3 …"""

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70] or "acara"
    taken = set(
        db.session.scalars(
            select(Event.slug).where(Event.slug.like(f"{base}%"), Event.id != (exclude_id or 0))
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_or_create_series(title: str):
    from agenda.models import EventSeries

    if not title:
        return None
    series = db.session.scalar(select(EventSeries).where(EventSeries.title == title))
    if series is None:
        series = EventSeries(title=title)
        db.session.add(series)
    return series


def sessions_on_day(event: Event, sessions: list[Session], day: date) -> list[Session]:
    return [s for s in sessions if local_day(s.starts_at, event.timezone) == day]


def save_room(room: Room, **fields) -> Room:
    return save_audited(room, **fields)


def delete_room(room: Room) -> None:
    """Delete a room; its sessions stay, without a room."""
    record(room, "delete")
    db.session.delete(room)


def save_speaker(speaker: Speaker, **fields) -> Speaker:
    return save_audited(speaker, **fields)
