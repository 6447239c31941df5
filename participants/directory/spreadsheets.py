"""Officials in spreadsheets: the columns, reading a cell (level, golongan, head of OPD), the
export and the template. The import itself is participants/directory/imports.py."""

import re
from collections.abc import Iterator

from sqlalchemy.orm import selectinload

from app.extensions import db
from participants.models import GOLONGAN, Person
from participants.nip import format_nip

IMPORT_COLUMNS = [
    "nip",
    "nama",
    "jabatan",
    "level",
    "golongan",
    "kode_opd",
    "email",
    "telepon",
    "instansi",
    "kepala_opd",
]
REQUIRED_COLUMNS = ["nip", "nama"]
_LEVEL_ALIASES = {
    "jpt_pratama": "jpt_pratama",
    "jpt": "jpt_pratama",
    "pimpinan_tinggi_pratama": "jpt_pratama",
    "ii/a": "jpt_pratama",
    "ii/b": "jpt_pratama",
    "administrator": "administrator",
    "iii/a": "administrator",
    "iii/b": "administrator",
    "pengawas": "pengawas",
    "iv/a": "pengawas",
    "iv/b": "pengawas",
    "fungsional": "fungsional",
    "jabatan_fungsional": "fungsional",
    "non_asn": "non_asn",
    "nonasn": "non_asn",
    "non_pns": "non_asn",
    "tamu": "non_asn",
}


def parse_level(text: str) -> str | None:
    """'JPT Pratama', 'jpt_pratama', eselon 'II.b' … → a PERSON_LEVELS value (None if unknown)."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    key = re.sub(r"^eselon_?", "", key).replace(".", "/")
    key = re.sub(r"^(i+v?)/?([ab])$", r"\1/\2", key)
    return _LEVEL_ALIASES.get(key)


_HEAD_ALIASES = {
    "definitif": "definitif",
    "ya": "definitif",
    "kepala": "definitif",
    "plt": "plt",
    "plh": "plh",
}


def parse_head(text: str) -> str | None:
    """'definitif'/'ya', 'Plt.', 'Plh.' → a HEAD_CAPACITIES value; '' → '' (no change)."""
    key = text.strip().lower().rstrip(".")
    return key if key == "" else _HEAD_ALIASES.get(key)


def parse_golongan(text: str) -> str | None:
    """'iv/b', 'IV.b', 'IV b' → 'IV/b' ('' stays ''); None if it is no golongan."""
    text = text.strip()
    if not text:
        return ""
    match = re.fullmatch(r"(I{1,3}|IV)\s*[/.\s-]?\s*([A-Ea-e])", text, re.IGNORECASE)
    if not match:
        return None
    value = f"{match.group(1).upper()}/{match.group(2).lower()}"
    return value if value in GOLONGAN else None


# --- export -----------------------------------------------------------------------------------


EXPORT_BATCH = 1000  # people read from the database at a time


def export_rows(query) -> tuple[list[str], Iterator[list]]:
    """The directory as rows, read in batches as the export is written (a generator: a city's
    whole directory never sits in memory), headships loaded per batch, not per person."""
    return IMPORT_COLUMNS, _export_rows(query)


def _export_rows(query) -> Iterator[list]:
    # A generator function: the query runs at the first row, in the session of whoever reads
    # it (a streamed CSV reads it after the view has returned, in the streaming context).
    people = db.session.scalars(
        query.options(selectinload(Person.headships)).execution_options(yield_per=EXPORT_BATCH)
    )
    for person in people:
        yield [
            format_nip(person.nip),
            person.name,
            person.position,
            person.level,
            person.golongan,
            person.opd.code if person.opd else "",
            person.email or "",
            person.phone,
            person.institution,
            next((h.capacity for h in person.headships if h.opd_id == person.opd_id), ""),
        ]


TEMPLATE_ROWS = [
    [
        "19750312 199903 1 004",
        "Dr. Ir. Budi Santoso, M.Si.",
        "Kepala Dinas Komunikasi dan Informatika",
        "jpt_pratama",
        "IV/c",
        "DISKOMINFO",
        "budi.santoso@example.go.id",
        "0341-512345",
        "",
        "definitif",
    ],
    [
        "19860926 201505 2 001",
        "Siti Rahmawati, S.STP., M.Si.",
        "Sekretaris Kecamatan Batu",
        "administrator",
        "III/d",
        "KEC-BATU",
        "",
        "",
        "",
        "plt",
    ],
    [
        "",
        "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
        "Kepala Badan Kepegawaian Negara",
        "non_asn",
        "",
        "",
        "",
        "",
        "Badan Kepegawaian Negara",
        "",
    ],
]
