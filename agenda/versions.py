"""Publication: snapshots of the agenda, their change lists, and publishing a new version."""

from agenda.models import AgendaVersion, Event, Session
from agenda.services import get_version, latest_version, live_sessions
from app.audit.services import record
from app.extensions import db
from app.timeutil import utcnow

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
        "opd": {"code": session.opd.code, "name": session.opd.name} if session.opd else None,
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
