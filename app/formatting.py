"""Indonesian formatting for templates, from Babel's CLDR data (locale of the request)."""

from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import (
    format_decimal,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)
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


@cache
def _writer(pattern: str, locale: Locale, currency: str | None):
    """A function writing numbers in ``pattern`` as Babel's ``NumberPattern.apply`` does, with
    what depends only on the pattern and the locale (parsing, symbols, prefix and suffix)
    worked out once per process; None for the patterns it does not cover (Babel then)."""
    parsed = parse_pattern(pattern)
    if (
        parsed.exp_prec
        or "@" in parsed.pattern
        or parsed.grouping != (3, 3)
        or parsed.int_prec[0] > 1
        or "'" in pattern
        or "¤¤" in pattern
    ):
        return None
    group, point = get_group_symbol(locale), get_decimal_symbol(locale)
    symbol = get_currency_symbol(currency, locale) if currency else "¤"
    prefix = [text.replace("¤", symbol) for text in parsed.prefix]
    suffix = [text.replace("¤", symbol) for text in parsed.suffix]
    least, most = parsed.frac_prec
    quantum = Decimal(1).scaleb(-most)
    scale = parsed.scale

    def write(value) -> str:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        number = number.scaleb(scale)
        negative = int(number.is_signed())
        number = abs(number).normalize()
        if not number.is_finite():
            return parsed.apply(value, locale, currency=currency, currency_digits=False)
        whole, _, fraction = f"{number.quantize(quantum):f}".partition(".")
        whole = f"{int(whole):,}".replace(",", group)
        if most == 0 or (least == 0 and int(fraction or "0") == 0):
            return f"{prefix[negative]}{whole}{suffix[negative]}"
        fraction = fraction.rstrip("0").ljust(least, "0")  # trailing zeros down to the least
        return f"{prefix[negative]}{whole}{point}{fraction}{suffix[negative]}"

    return write


def in_pattern(value, pattern: str, currency: str | None = None) -> str:
    """``value`` in the CLDR number ``pattern`` and the request's locale: the text Babel's
    format_decimal/percent/currency give (``currency``: with ``currency_digits=False``).

    Babel parses the pattern and looks up the locale's symbols (and the currency's name and
    symbol) on every call, ~7 µs; a ranking of 40 OPDs writes some 250 numbers. Here that is
    done once per pattern and locale; the rounding (half to even on the decimal text of a
    float) is Babel's, and tests/app/test_formatting.py holds the two to the same text."""
    locale = current_locale()
    write = _writer(pattern, locale, currency)
    if write is None:
        return parse_pattern(pattern).apply(value, locale, currency=currency, currency_digits=False)
    return write(value)


def percent(value: float | None, digits: int = 1) -> str:
    """A percentage given as 0–100: 56.6 → '56,6%'."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return in_pattern(float(value) / 100, pattern)


def rupiah(value) -> str:
    """1234567 → 'Rp1.234.567'."""
    if value is None:
        return "–"
    return in_pattern(value, "¤#,##0", currency="IDR")


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
