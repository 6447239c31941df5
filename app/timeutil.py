"""Time helpers: the database stores naive UTC; pages show the event's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# CLDR has no short names for Indonesia's zones, so this small table is ours.
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
DEFAULT_ZONE = "Asia/Jakarta"


def utcnow() -> datetime:
    """Naive UTC now, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_zone(value: datetime | str, zone: str = DEFAULT_ZONE) -> datetime:
    """A stored (naive UTC, or its ISO text in snapshots) or aware datetime expressed in ``zone``."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone))


def rfc3339(value: datetime | str | None) -> str | None:
    """An instant for the JSON API: RFC 3339 with its offset, e.g. ``2025-08-04T02:00:00Z``.

    Accepts what Sinergi stores (naive UTC, or its ISO text in published snapshots) and aware
    datetimes; a client must never have to guess the zone of a time.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def zone_abbreviation(zone: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone, zone)
