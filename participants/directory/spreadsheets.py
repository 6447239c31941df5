"""Officials in and out of spreadsheets: the import (columns, parsing, the all-or-nothing plan,
applying it), the export and the template.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import selectinload

from app.audit.services import record_batch
from app.extensions import db
from app.opds.models import Opd
from app.tabular import Row
from participants.models import GOLONGAN, PERSON_LEVELS, OpdHead, Person
from participants.nip import NipError, format_nip, validate_nip

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
UPDATABLE_FIELDS = ("nip", "name", "position", "level", "golongan", "opd_id", "email", "phone")
UPDATABLE_FIELDS += ("institution",)
MAX_IMPORT_ROWS = 20_000  # a whole regency's officials; bigger files are split
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Fields an import may set, by column; absent columns leave the field alone on update.
_FIELD_OF_COLUMN = {
    "nama": "name",
    "jabatan": "position",
    "level": "level",
    "golongan": "golongan",
    "kode_opd": "opd_id",
    "telepon": "phone",
    "instansi": "institution",
}
# --- import -----------------------------------------------------------------------------------

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


@dataclass
class PlannedRow:
    number: int
    values: dict  # field → new value (only the fields the file sets)
    person: Person | None = None  # the existing person to update, None to create
    changes: dict = field(default_factory=dict)  # field → (before, after) for updates
    head: str = ""  # "definitif", "plt" or "plh": this person heads ``head_opd_id``
    head_opd_id: int | None = None  # the row's OPD (from the file, else the person's own)


@dataclass
class ImportPlan:
    """What an import would do. Nothing is written until ``apply_import``."""

    creates: list[PlannedRow] = field(default_factory=list)
    updates: list[PlannedRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    opd_codes: dict[int, str] = field(default_factory=dict)  # opd id → code, for display

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return len(self.creates) + len(self.updates) + self.unchanged


def _parse_row(row: Row, columns: set[str], opds: dict[str, Opd]):
    """(values, nip, email, problems) for one row; values hold only the columns present."""
    cells, problems, values = row.values, [], {}
    nip = None
    raw_nip = cells.get("nip", "")
    if raw_nip:
        try:
            nip = validate_nip(raw_nip)
        except NipError as exc:
            problems.append(str(exc))
    email = cells.get("email", "").strip().lower() or None
    if email and (not EMAIL_PATTERN.match(email) or len(email) > 254):
        problems.append(_("e-mail %(email)s tidak valid", email=email))
    name = cells.get("nama", "").strip()
    if not name:
        problems.append(_("nama wajib diisi"))
    elif len(name) > 200:
        problems.append(_("nama terlalu panjang (maks. 200 karakter)"))
    values["name"] = name
    level_column = "level" if "level" in columns else "eselon" if "eselon" in columns else None
    if level_column and cells.get(level_column, "").strip():
        level = parse_level(cells[level_column])
        if level is None:
            problems.append(
                _(
                    "level %(level)s tidak dikenal (pilih: %(levels)s)",
                    level=cells[level_column],
                    levels=", ".join(PERSON_LEVELS),
                )
            )
        values["level"] = level
    if "golongan" in columns:
        golongan = parse_golongan(cells.get("golongan", ""))
        if golongan is None:
            problems.append(
                _("golongan %(value)s tidak dikenal (contoh: III/a, IV/b)", value=cells["golongan"])
            )
        values["golongan"] = golongan or ""
    if "kode_opd" in columns:
        code = cells.get("kode_opd", "").strip().upper()
        opd = opds.get(code) if code else None
        if code and opd is None:
            problems.append(_("kode OPD %(code)s tidak ditemukan", code=code))
        values["opd_id"] = opd.id if opd else None
    for column, field_name, limit in (
        ("jabatan", "position", 200),
        ("telepon", "phone", 40),
        ("instansi", "institution", 200),
    ):
        if column in columns:
            text = cells.get(column, "").strip()
            if len(text) > limit:
                problems.append(
                    _("%(column)s terlalu panjang (maks. %(limit)s)", column=column, limit=limit)
                )
            values[field_name] = text
    head = ""
    if "kepala_opd" in columns:
        head = parse_head(cells.get("kepala_opd", ""))
        if head is None:
            problems.append(
                _(
                    "kepala_opd %(value)s tidak dikenal (isi: definitif, plt, plh atau kosong)",
                    value=cells["kepala_opd"],
                )
            )
            head = ""
    return values, nip, email, problems, head


MATCH_CHUNK = 5000  # values per IN (…): well below SQLite's and PostgreSQL's limits


def _people_where(column, values, *conditions) -> list[Person]:
    """People whose ``column`` is one of ``values``: one query per 5,000 values."""
    values = list(values)
    people = []
    for start in range(0, len(values), MATCH_CHUNK):
        chunk = values[start : start + MATCH_CHUNK]
        people += db.session.scalars(select(Person).where(column.in_(chunk), *conditions))
    return people


def plan_import(rows: list[Row]) -> ImportPlan:
    """Check every row and match it to an existing person: by NIP, else by e-mail, else (for
    a row with neither) a person without NIP and e-mail of the same name.

    A few queries whatever the size (one per 5,000 values): OPDs by code, people by NIP,
    people by e-mail, namesakes.
    """
    plan = ImportPlan()
    columns = set(rows[0].values) if rows else set()
    wanted_codes = {r.values.get("kode_opd", "").strip().upper() for r in rows} - {""}
    opds = {}
    if wanted_codes:
        opds = {
            o.code: o for o in db.session.scalars(select(Opd).where(Opd.code.in_(wanted_codes)))
        }
    plan.opd_codes = {o.id: o.code for o in opds.values()}

    parsed = []
    nip_rows: dict[str, int] = {}
    email_rows: dict[str, int] = {}
    for row in rows:
        values, nip, email, problems, head = _parse_row(row, columns, opds)
        if nip:
            if nip in nip_rows:
                problems.append(
                    _(
                        "NIP %(nip)s ganda (juga di baris %(row)s)",
                        nip=format_nip(nip),
                        row=nip_rows[nip],
                    )
                )
            else:
                nip_rows[nip] = row.number
        if email:
            if email in email_rows:
                problems.append(
                    _(
                        "e-mail %(email)s ganda (juga di baris %(row)s)",
                        email=email,
                        row=email_rows[email],
                    )
                )
            else:
                email_rows[email] = row.number
        plan.errors.extend((row.number, problem) for problem in problems)
        parsed.append((row.number, values, nip, email, bool(problems), head))

    existing_by_nip: dict[str, Person] = {}
    existing_by_email: dict[str, Person] = {}
    for person in _people_where(Person.nip, nip_rows):
        existing_by_nip[person.nip] = person
        if person.email:
            existing_by_email[person.email] = person
    for person in _people_where(Person.email, email_rows):
        existing_by_email[person.email] = person
        if person.nip:
            existing_by_nip[person.nip] = person

    # Guests with neither NIP nor e-mail (e.g. exported, then imported back) match by name.
    anonymous_names = {
        values["name"].lower() for _n, values, nip, email, bad, _h in parsed if not (nip or email)
    } - {""}
    existing_by_name: dict[str, list[Person]] = {}
    for person in _people_where(
        func.lower(Person.name), anonymous_names, Person.nip.is_(None), Person.email.is_(None)
    ):
        existing_by_name.setdefault(person.name.lower(), []).append(person)

    current_heads = _current_heads() if "kepala_opd" in columns else {}
    matched_rows: dict[int, int] = {}  # person id → row number
    head_rows: dict[int, int] = {}  # OPD id → the row that names its head
    for number, values, nip, email, bad, head in parsed:
        by_nip = existing_by_nip.get(nip) if nip else None
        by_email = existing_by_email.get(email) if email else None
        person = by_nip or by_email
        problems = []
        namesakes = [] if nip or email else existing_by_name.get(values["name"].lower(), [])
        if len(namesakes) == 1:
            person = namesakes[0]
        elif len(namesakes) > 1:
            problems.append(
                _(
                    "ada %(count)s orang bernama %(name)s tanpa NIP dan e-mail; isi NIP atau "
                    "e-mail agar jelas siapa yang dimaksud",
                    count=len(namesakes),
                    name=values["name"],
                )
            )
        if by_nip is None and by_email is not None and nip and by_email.nip:
            problems.append(
                _(
                    "e-mail %(email)s sudah dipakai %(name)s dengan NIP lain (%(nip)s)",
                    email=email,
                    name=by_email.name,
                    nip=format_nip(by_email.nip),
                )
            )
        elif by_nip is not None and by_email is not None and by_email is not by_nip:
            problems.append(
                _("e-mail %(email)s sudah dipakai %(name)s", email=email, name=by_email.name)
            )
        elif person is not None and person.id in matched_rows:
            problems.append(
                _(
                    "baris ini dan baris %(row)s menunjuk orang yang sama (%(name)s)",
                    row=matched_rows[person.id],
                    name=person.name,
                )
            )
        if person is not None:
            matched_rows.setdefault(person.id, number)
        if person is None and "level" not in values and not bad:
            if nip:
                problems.append(_("level wajib diisi untuk orang baru yang ber-NIP"))
            else:
                values["level"] = "non_asn"
        head_opd = values.get("opd_id", person.opd_id if person is not None else None)
        if head and head_opd is None:
            problems.append(_("kepala_opd diisi, tetapi orang ini tidak punya OPD (kode_opd)"))
        elif head and head_opd in head_rows:
            problems.append(
                _(
                    "baris %(row)s juga menjadi kepala OPD yang sama",
                    row=head_rows[head_opd],
                )
            )
        elif head:
            head_rows[head_opd] = number
        plan.errors.extend((number, problem) for problem in problems)
        if bad or problems:
            continue
        # NIP and e-mail identify people: an empty cell never erases them.
        if nip:
            values["nip"] = nip
        if email:
            values["email"] = email
        if person is None:
            plan.creates.append(PlannedRow(number, values, head=head, head_opd_id=head_opd))
            continue
        changes = {
            key: (getattr(person, key), value)
            for key, value in values.items()
            if getattr(person, key) != value
        }
        held = current_heads.get(head_opd)
        if head and held != (person.id, head):
            changes["head"] = (held[1] if held and held[0] == person.id else None, head)
        if changes:
            plan.updates.append(PlannedRow(number, values, person, changes, head, head_opd))
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda item: item[0])
    # Codes of the OPDs people are moved away from, for the preview (one more query at most).
    old_opd_ids = {row.changes["opd_id"][0] for row in plan.updates if "opd_id" in row.changes}
    old_opd_ids -= set(plan.opd_codes) | {None}
    if old_opd_ids:
        plan.opd_codes.update(
            db.session.execute(select(Opd.id, Opd.code).where(Opd.id.in_(old_opd_ids))).all()
        )
    return plan


def _current_heads() -> dict[int, tuple[int, str]]:
    """OPD id → (person id, capacity) of every recorded head (one query; one row per OPD)."""
    return {
        opd_id: (person_id, capacity)
        for opd_id, person_id, capacity in db.session.execute(
            select(OpdHead.opd_id, OpdHead.person_id, OpdHead.capacity)
        )
    }


def _write_heads(plan: ImportPlan, created_ids: list[int]) -> None:
    """Record the heads the file names, replacing whoever held those offices."""
    heads = {}
    for row, person_id in zip(plan.creates, created_ids, strict=True):
        if row.head:
            heads[row.head_opd_id] = (person_id, row.head)
    for row in plan.updates:
        if row.head:
            heads[row.head_opd_id] = (row.person.id, row.head)
    if not heads:
        return
    db.session.execute(delete(OpdHead).where(OpdHead.opd_id.in_(list(heads))))
    db.session.execute(
        insert(OpdHead),
        [
            {"opd_id": opd_id, "person_id": person_id, "capacity": capacity, "title": ""}
            for opd_id, (person_id, capacity) in heads.items()
        ],
    )


def apply_import(plan: ImportPlan, source: str) -> tuple[int, int]:
    """Write a checked plan with bulk statements and one audit entry. The caller commits."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    defaults = {
        "nip": None,
        "email": None,
        "position": "",
        "golongan": "",
        "opd_id": None,
        "phone": "",
        "institution": "",
        "active": True,
    }
    created_ids = []
    if plan.creates:
        created_ids = list(
            db.session.scalars(
                insert(Person).returning(Person.id, sort_by_parameter_order=True),
                [defaults | row.values for row in plan.creates],
            )
        )
    if plan.updates:
        # One executemany; every row carries every field (unchanged ones keep their value).
        params = []
        for row in plan.updates:
            person = row.person
            values = {key: getattr(person, key) for key in UPDATABLE_FIELDS}
            values.update(row.values)
            values["id"] = person.id
            params.append(values)
        db.session.execute(update(Person), params)
    _write_heads(plan, created_ids)
    record_batch(
        "PeopleImport",
        _(
            "Impor %(source)s: %(created)s baru, %(updated)s diperbarui",
            source=source,
            created=len(plan.creates),
            updated=len(plan.updates),
        ),
        "import",
        changes={
            "berkas": [None, source],
            "baris": [None, plan.total],
            "dibuat": [None, len(plan.creates)],
            "diperbarui": [None, len(plan.updates)],
            "tidak_berubah": [None, plan.unchanged],
        },
    )
    db.session.expire_all()  # bulk UPDATE bypassed the identity map
    return len(plan.creates), len(plan.updates)


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
