"""iCalendar (RFC 5545) from published agenda snapshots.

The event's whole calendar is built once per published version (see versions.publish) and
served as stored text; the zone block (VTIMEZONE) is built once per zone per process.
"""

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from app.timeutil import to_zone

PRODID = "-//Sinergi//Agenda Pemerintah Daerah//ID"
# Stored calendars are shared by everyone, so their words stay Indonesian whatever language
# the publishing organiser uses (agenda.forms.SPEAKER_ROLE_LABELS follow the reader).
ROLE_LABELS = {
    "narasumber": "Narasumber",
    "moderator": "Moderator",
    "mc": "MC",
    "pemateri": "Pemateri",
}


@lru_cache(maxsize=16)
def _vtimezone_ical(zone: str) -> bytes:
    return Timezone.from_tzid(zone).to_ical()


def _calendar(name: str, zone: str, method: str = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    cal.add_component(Timezone.from_ical(_vtimezone_ical(zone)))
    return cal


def speaker_line(role_label: str, name: str, position: str, institution: str) -> str:
    """'Narasumber: Name, Position (Institution)' — in calendars and the printed agenda."""
    line = f"{role_label}: {name}"
    if position:
        line += f", {position}"
    if institution:
        line += f" ({institution})"
    return line


def _description(session: dict) -> str:
    lines = [
        speaker_line(
            ROLE_LABELS.get(s["role"], s["role"]), s["name"], s["position"], s["institution"]
        )
        for s in session["speakers"]
    ]
    if session["description"]:
        lines.append(session["description"])
    return "\n".join(lines)


def _vevent(session: dict, event: dict, stamp: datetime, url: str | None) -> Event:
    zone = ZoneInfo(event["timezone"])
    item = Event()
    item.add("uid", session["uid"])
    item.add("dtstamp", stamp.replace(tzinfo=UTC))
    item.add(
        "dtstart",
        to_zone(datetime.fromisoformat(session["starts_at"]), event["timezone"]).astimezone(zone),
    )
    item.add(
        "dtend",
        to_zone(datetime.fromisoformat(session["ends_at"]), event["timezone"]).astimezone(zone),
    )
    item.add("summary", session["title"])
    item.add("sequence", session["sequence"])
    item.add("status", "CANCELLED" if session["cancelled"] else "CONFIRMED")
    location = ", ".join(part for part in (session["room"], event["venue"]) if part)
    if location:
        item.add("location", location)
    description = _description(session)
    if description:
        item.add("description", description)
    if session["track"]:
        item.add("categories", [session["track"]])
    if url:
        item.add("url", url)
    return item


def build_calendar(
    name: str,
    items: list[tuple[dict, dict]],
    stamp: datetime,
    url: str | None = None,
    method: str = "PUBLISH",
) -> str:
    """A calendar of (session, event) pairs; all events of one calendar share the first zone."""
    zone = items[0][1]["timezone"] if items else "Asia/Jakarta"
    cal = _calendar(name, zone, method)
    zones = {zone}
    for session, event in items:
        if event["timezone"] not in zones:
            zones.add(event["timezone"])
            cal.add_component(Timezone.from_ical(_vtimezone_ical(event["timezone"])))
        cal.add_component(_vevent(session, event, stamp, url))
    return cal.to_ical().decode()


def event_calendar(snapshot: dict, version, url: str | None = None) -> str:
    event = snapshot["event"]
    return build_calendar(
        event["title"], [(s, event) for s in snapshot["sessions"]], version.published_at, url
    )
