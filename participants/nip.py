"""NIP (Nomor Induk Pegawai): the 18-digit civil-servant number.

Layout: birth date YYYYMMDD (1–8), TMT CPNS YYYYMM (9–14), sex 1/2 (15), sequence 001–999
(16–18). Stored as bare digits, shown as ``19860926 201505 1 001``.
"""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

NIP_LENGTH = 18
FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR = 1940, 2010
MIN_AGE_AT_TMT = 17
_SEPARATORS = re.compile(r"[\s.\-]+")


class NipError(ValueError):
    """The NIP is malformed; the message (Indonesian via gettext) says what is wrong."""


def normalize_nip(raw) -> str:
    """Digits of ``raw`` with spaces, dots and hyphens removed ('' for nothing)."""
    return _SEPARATORS.sub("", str(raw or "")).strip()


def validate_nip(raw, today: date | None = None) -> str:
    """The NIP as 18 bare digits, or ``NipError`` saying what is wrong."""
    nip = normalize_nip(raw)
    if not nip.isdigit() or not nip.isascii():
        raise NipError(_("NIP hanya boleh berisi angka (spasi dan titik boleh)."))
    if len(nip) != NIP_LENGTH:
        raise NipError(
            ngettext(
                "NIP harus 18 digit, bukan %(num)s digit.",
                "NIP harus 18 digit, bukan %(num)s digit.",
                len(nip),
            )
        )

    birth_text, tmt_text, sex, sequence = nip[:8], nip[8:14], nip[14], nip[15:]
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        birth = None
    if birth is None or not FIRST_BIRTH_YEAR <= birth.year <= LAST_BIRTH_YEAR:
        raise NipError(
            _(
                "Tanggal lahir pada NIP (digit 1–8, TTTTBBHH) tidak valid: %(value)s.",
                value=birth_text,
            )
        )

    today = today or date.today()
    tmt_year, tmt_month = int(tmt_text[:4]), int(tmt_text[4:])
    if not 1 <= tmt_month <= 12:
        raise NipError(
            _("TMT pada NIP (digit 9–14, TTTTBB) tidak valid: bulan %(month)s.", month=tmt_text[4:])
        )
    if tmt_year < birth.year + MIN_AGE_AT_TMT:
        raise NipError(
            _(
                "TMT pada NIP (digit 9–14) tidak valid: %(tmt)s, sebelum pegawai berumur "
                "17 tahun (lahir %(year)s).",
                tmt=tmt_text,
                year=birth.year,
            )
        )
    if (tmt_year, tmt_month) > (today.year, today.month):
        raise NipError(
            _("TMT pada NIP (digit 9–14) tidak valid: %(tmt)s belum terjadi.", tmt=tmt_text)
        )
    if sex not in "12":
        raise NipError(
            _(
                "Digit jenis kelamin pada NIP (digit ke-15) harus 1 atau 2, bukan %(digit)s.",
                digit=sex,
            )
        )
    if sequence == "000":
        raise NipError(
            _(
                "Nomor urut pada NIP (digit 16–18) tidak boleh 000. Jika berasal dari Excel, "
                "format kolom NIP sebagai Teks agar angkanya tidak dibulatkan."
            )
        )
    return nip


def is_valid_nip(raw) -> bool:
    try:
        validate_nip(raw)
    except NipError:
        return False
    return True


def format_nip(nip: str | None) -> str:
    """'198609262015051001' → '19860926 201505 1 001'; anything else unchanged."""
    if not nip:
        return ""
    if len(nip) != NIP_LENGTH or not nip.isdigit():
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
