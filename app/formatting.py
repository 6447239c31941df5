"""Indonesian formatting for templates, from Babel's CLDR data (locale of the request)."""

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from flask_babel import ngettext

from app.i18n import current_locale
from app.timeutil import DEFAULT_ZONE, to_zone, zone_abbreviation


def _local_date(value: date | datetime | str, zone: str) -> date:
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return to_zone(value, zone).date()
    return value


@lru_cache(maxsize=4096)
def _formatted_date(day: date, pattern: str, locale) -> str:
    # A list page shows the same few dates on many rows: each (day, pattern, language) is
    # formatted by Babel once per process, not once per row (about 30 µs each).
    return format_date(day, pattern, locale=locale)


def long_date(value: date | datetime | str | None, zone: str = DEFAULT_ZONE) -> str:
    """'Senin, 4 Agustus 2025' (a stored datetime is taken in ``zone``)."""
    if value is None:
        return ""
    return _formatted_date(_local_date(value, zone), "EEEE, d MMMM y", current_locale())


def short_date(value: date | datetime | str | None, zone: str = DEFAULT_ZONE) -> str:
    """'4 Agu 2025'."""
    if value is None:
        return ""
    return _formatted_date(_local_date(value, zone), "d MMM y", current_locale())


def time_in_zone(value: datetime | str | None, zone: str = DEFAULT_ZONE) -> str:
    """'09.30 WIB' — the time in ``zone`` with Indonesia's short zone name."""
    if value is None:
        return ""
    local = to_zone(value, zone)
    return f"{format_time(local, 'short', locale=current_locale())} {zone_abbreviation(zone)}"


def time_range(start: datetime | str, end: datetime | str, zone: str = DEFAULT_ZONE) -> str:
    """'09.30–10.30 WIB'."""
    first, last = to_zone(start, zone), to_zone(end, zone)
    locale = current_locale()
    return f"{format_time(first, 'short', locale=locale)}–{format_time(last, 'short', locale=locale)} {zone_abbreviation(zone)}"


def datetime_in_zone(value: datetime | str | None, zone: str = DEFAULT_ZONE) -> str:
    """'4 Agu 2025 09.30 WIB'."""
    if value is None:
        return ""
    return f"{short_date(value, zone)} {time_in_zone(value, zone)}"


def percent(value: float | None, digits: int = 1) -> str:
    """A percentage given as 0–100: 56.6 → '56,6%'."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(float(value) / 100, pattern, locale=current_locale())


def rupiah(value) -> str:
    """1234567 → 'Rp1.234.567'."""
    if value is None:
        return "–"
    return format_currency(
        value, "IDR", format="¤#,##0", currency_digits=False, locale=current_locale()
    )


def number(value) -> str:
    """1234567 → '1.234.567'."""
    if value is None:
        return "–"
    return format_decimal(value, locale=current_locale())


def with_kind(kind: str, name: str) -> str:
    """'Kelompok' + 'A' → 'Kelompok A', but 'Kelompok' + 'Kelompok A' → 'Kelompok A': names
    that already say what they are get no second prefix."""
    name = (name or "").strip()
    if name.lower() == kind.lower() or name.lower().startswith(kind.lower() + " "):
        return name
    return f"{kind} {name}"


def name_list(names: list[str], limit: int = 5) -> str:
    """'A, B, C, D, E dan 3 lainnya': the people a message is about, without a wall of names."""
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        rest = len(names) - limit
        shown += " " + ngettext("dan %(num)s lainnya", "dan %(num)s lainnya", rest)
    return shown


FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "time_in_zone": time_in_zone,
    "time_range": time_range,
    "datetime_in_zone": datetime_in_zone,
    "percent": percent,
    "rupiah": rupiah,
    "number": number,
}
