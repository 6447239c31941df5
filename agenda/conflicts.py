"""Schedule conflicts: a room or a speaker in two sessions at once."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select

from agenda.models import Event, Session, SessionSpeaker
from agenda.services import live_sessions, local_day
from app.extensions import db

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
