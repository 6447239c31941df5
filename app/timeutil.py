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


def zone_abbreviation(zone: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone, zone)
