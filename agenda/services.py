"""Agenda logic: sessions, conflicts, publication (snapshots, change lists), copying events.

Times are stored as naive UTC and converted with the event's zone at the edges.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from agenda.models import AgendaVersion, Event, Room, Session, SessionSpeaker, Speaker
from app.audit.services import OBJECT_LABELS, pending_changes, record, save_audited
from app.extensions import db
from app.timeutil import to_zone, utcnow

OBJECT_LABELS.update(
    {
        "Event": _l("Acara"),
        "Session": _l("Sesi"),
        "Room": _l("Ruang"),
        "Speaker": _l("Narasumber"),
        "AgendaVersion": _l("Versi susunan acara"),
    }
)

# Fields whose change bumps a session's iCalendar SEQUENCE.
CALENDAR_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "room",
    "description",
    "cancelled",
    "speakers",
    "kind",
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
            "description",
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


# --- conflicts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str  # room, speaker, outside_event, group, too_long
    session_ids: tuple[int, ...]
    detail: dict


def _overlap(a: Session, b: Session) -> bool:
    # Back-to-back sessions (one ends when the next starts) do not overlap.
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def find_conflicts(event: Event, sessions: list[Session] | None = None) -> list[Conflict]:
    """Every scheduling problem of ``event``'s (non-cancelled) sessions."""
    sessions = [
        s for s in (sessions if sessions is not None else live_sessions(event)) if not s.cancelled
    ]
    conflicts: list[Conflict] = []
    zone = event.timezone
    first_day, last_day = event.start_date, event.end_date

    for session in sessions:
        start_day = local_day(session.starts_at, zone)
        end_day = local_day(session.ends_at - timedelta(microseconds=1), zone)
        if start_day < first_day or end_day > last_day:
            conflicts.append(Conflict("outside_event", (session.id,), {"title": session.title}))
        if session.ends_at - session.starts_at > timedelta(hours=24):
            conflicts.append(Conflict("too_long", (session.id,), {"title": session.title}))

    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.starts_at >= a.ends_at:
                break
            if a.room_id and a.room_id == b.room_id:
                conflicts.append(
                    Conflict(
                        "room",
                        (a.id, b.id),
                        {"room": a.room.name if a.room else "", "a": a.title, "b": b.title},
                    )
                )
            if a.track and a.track == b.track:
                conflicts.append(
                    Conflict("group", (a.id, b.id), {"group": a.track, "a": a.title, "b": b.title})
                )
    conflicts.extend(_speaker_conflicts(sessions))
    return conflicts


def _speaker_conflicts(sessions: list[Session]) -> list[Conflict]:
    """A speaker in two overlapping sessions, in this event or any other (one query)."""
    by_speaker: dict[int, list[Session]] = {}
    for session in sessions:
        for link in session.speaker_links:
            by_speaker.setdefault(link.speaker_id, []).append(session)
    if not by_speaker:
        return []
    ids = {s.id for s in sessions}
    windows = [
        and_(Session.starts_at < s.ends_at, Session.ends_at > s.starts_at)
        for s in sessions
        if s.speaker_links
    ]
    others = db.session.execute(
        select(SessionSpeaker.speaker_id, Session, Event.title)
        .join(Session, SessionSpeaker.session_id == Session.id)
        .join(Event, Session.event_id == Event.id)
        .where(
            SessionSpeaker.speaker_id.in_(by_speaker),
            Session.cancelled.is_(False),
            Session.id.not_in(ids),
            or_(*windows),
        )
    ).all()
    speaker_names = {
        link.speaker_id: link.speaker.name for s in sessions for link in s.speaker_links
    }
    conflicts = []
    seen = set()
    for speaker_id, own in by_speaker.items():
        own = sorted(own, key=lambda s: s.starts_at)
        for i, a in enumerate(own):
            for b in own[i + 1 :]:
                if _overlap(a, b) and (speaker_id, a.id, b.id) not in seen:
                    seen.add((speaker_id, a.id, b.id))
                    conflicts.append(
                        Conflict(
                            "speaker",
                            (a.id, b.id),
                            {"speaker": speaker_names[speaker_id], "a": a.title, "b": b.title},
                        )
                    )
    for speaker_id, other, other_event in others:
        for a in by_speaker.get(speaker_id, []):
            if _overlap(a, other):
                conflicts.append(
                    Conflict(
                        "speaker",
                        (a.id,),
                        {
                            "speaker": speaker_names[speaker_id],
                            "a": a.title,
                            "b": f"{other.title} ({other_event})",
                        },
                    )
                )
    return conflicts


# --- publication ----------------------------------------------------------------------------


def session_dict(session: Session, sequence: int = 0) -> dict:
    """The published form of a session (also what the API and calendars read)."""
    return {
        "id": session.id,
        "uid": session.uid,
        "title": session.title,
        "kind": session.kind,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room_id": session.room_id,
        "room": session.room.name if session.room else "",
        "track": session.track,
        "takes_attendance": session.takes_attendance,
        "description": session.description,
        "cancelled": session.cancelled,
        "sequence": sequence,
        "speakers": [
            {
                "id": link.speaker_id,
                "name": link.speaker.name,
                "position": link.speaker.position,
                "institution": link.speaker.institution,
                "role": link.role,
            }
            for link in session.speaker_links
        ],
    }


def event_dict(event: Event) -> dict:
    return {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "kind": event.kind,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "timezone": event.timezone,
        "venue": event.venue,
        "description": event.description,
        "organiser": event.organiser_opd.name if event.organiser_opd else "",
    }


def _calendar_view(item: dict) -> tuple:
    return tuple(
        tuple((s["id"], s["role"]) for s in item["speakers"]) if key == "speakers" else item[key]
        for key in CALENDAR_FIELDS
    )


def build_snapshot(event: Event, previous: dict | None) -> dict:
    """Freeze the live agenda. Sessions deleted since ``previous`` stay, as cancelled."""
    old = {s["uid"]: s for s in (previous or {}).get("sessions", [])}
    sessions = []
    live_uids = set()
    for session in live_sessions(event):
        live_uids.add(session.uid)
        item = session_dict(session)
        before = old.get(session.uid)
        if before is not None:
            changed = _calendar_view(before) != _calendar_view(item)
            item["sequence"] = before["sequence"] + (1 if changed else 0)
        sessions.append(item)
    for uid, before in old.items():
        if uid not in live_uids:
            gone = dict(before)
            if not gone["cancelled"]:
                gone["cancelled"] = True
                gone["sequence"] = before["sequence"] + 1
            sessions.append(gone)
    sessions.sort(key=lambda s: (s["starts_at"], s["id"]))
    return {"event": event_dict(event), "sessions": sessions}


def diff_snapshots(old: dict | None, new: dict) -> list[dict]:
    """What changed between two published agendas, session by session."""
    before = {s["uid"]: s for s in (old or {}).get("sessions", [])}
    changes = []
    for item in new["sessions"]:
        prev = before.get(item["uid"])
        base = {"session_id": item["id"], "title": item["title"]}
        before_count = len(changes)
        if prev is None:
            if not item["cancelled"]:
                changes.append({**base, "type": "added", "starts_at": item["starts_at"]})
            continue
        if item["cancelled"] and not prev["cancelled"]:
            changes.append({**base, "type": "cancelled", "starts_at": prev["starts_at"]})
            continue
        if prev["cancelled"] and not item["cancelled"]:
            changes.append({**base, "type": "restored", "starts_at": item["starts_at"]})
        if (prev["starts_at"], prev["ends_at"]) != (item["starts_at"], item["ends_at"]):
            changes.append(
                {
                    **base,
                    "type": "moved",
                    "old_start": prev["starts_at"],
                    "old_end": prev["ends_at"],
                    "new_start": item["starts_at"],
                    "new_end": item["ends_at"],
                }
            )
        if prev["room"] != item["room"]:
            changes.append({**base, "type": "room", "old": prev["room"], "new": item["room"]})
        if prev["title"] != item["title"]:
            changes.append({**base, "type": "renamed", "old": prev["title"], "new": item["title"]})
        old_names = [s["name"] for s in prev["speakers"]]
        new_names = [s["name"] for s in item["speakers"]]
        if old_names != new_names:
            changes.append(
                {
                    **base,
                    "type": "speakers",
                    "old": ", ".join(old_names),
                    "new": ", ".join(new_names),
                }
            )
        if len(changes) == before_count and _details(prev) != _details(item):
            changes.append({**base, "type": "details"})
    return changes


def _details(item: dict) -> tuple:
    """What else participants see of a session: kind, group, attendance, notes, speaker roles."""
    roles = tuple((s["id"], s["role"]) for s in item["speakers"])
    return (item["kind"], item["track"], item["takes_attendance"], item["description"], roles)


def nothing_to_publish(event: Event, previous: AgendaVersion | None = None) -> bool:
    """True when the live agenda and the event's details are those of the last version."""
    previous = previous or latest_version(event)
    if previous is None:
        return False
    live = build_snapshot(event, previous.snapshot)
    return not diff_snapshots(previous.snapshot, live) and previous.snapshot["event"] == event_dict(
        event
    )


def publish(event: Event, user=None, note: str = "") -> AgendaVersion:
    """Publish the live agenda as the next version, with its change list and calendar."""
    from agenda.ical import event_calendar  # calendars depend on the snapshot format above

    previous = latest_version(event)
    snapshot = build_snapshot(event, previous.snapshot if previous else None)
    version = AgendaVersion(
        event_id=event.id,
        number=(previous.number + 1) if previous else 1,
        published_by_id=user.id if user is not None else None,
        note=note,
        snapshot=snapshot,
        changes=diff_snapshots(previous.snapshot if previous else None, snapshot)
        if previous
        else [],
        published_at=utcnow(),
    )
    version.ics = event_calendar(snapshot, version)
    if event.status == "draft":
        event.status = "published"
        record(event, "update")
    db.session.add(version)
    record(
        version,
        "create",
        changes={"number": [None, version.number], "changes": [None, len(version.changes)]},
    )
    return version


def changes_since(event: Event, seen_number: int, current: AgendaVersion) -> list[dict]:
    """Changes a participant has not seen yet: between their last seen version and now."""
    if seen_number >= current.number:
        return []
    seen = get_version(event, seen_number)
    if seen is None:
        return []
    return diff_snapshots(seen.snapshot, current.snapshot)


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
