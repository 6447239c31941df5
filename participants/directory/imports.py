"""The people import, plugged into ``app.staged_import``: ``parse_rows`` checks each row once,
at upload (NIP, e-mail, name, level, golongan, OPD code, head of OPD; NIP and e-mail once per
file); ``plan_import`` matches the records to the directory as it is now (by NIP, else e-mail,
else a namesake without either) for the preview and again on confirm; ``apply_import`` writes
the plan with bulk statements. Over 400 lines because the directory's matching rules (three
keys, namesakes, heads of OPD) are one rule set, read together; each step is its own function.
"""

import re
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update

from app.extensions import db
from app.opds.models import Opd
from app.staged_import import Count, Importer, Plan, Section
from app.tabular import Row
from participants.directory.spreadsheets import (
    REQUIRED_COLUMNS,
    parse_golongan,
    parse_head,
    parse_level,
)
from participants.forms import CAPACITY_LABELS, LEVEL_LABELS
from participants.models import PERSON_LEVELS, OpdHead, Person
from participants.names import sort_key
from participants.nip import NipError, format_nip, validate_nip

UPDATABLE_FIELDS = ("nip", "name", "position", "level", "golongan", "opd_id", "email", "phone")
UPDATABLE_FIELDS += ("institution",)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    """What an import would do to the directory. Nothing is written until ``apply_import``."""

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


def parse_rows(rows: list[Row], _ctx=None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Step 1, once per upload: every row checked on its own and against the file's other rows
    (NIP and e-mail appear once); the valid ones as records for ``plan_import``.

    One query: the OPDs the file names.
    """
    columns = set(rows[0].values) if rows else set()
    wanted_codes = {r.values.get("kode_opd", "").strip().upper() for r in rows} - {""}
    opds = {}
    if wanted_codes:
        opds = {
            o.code: o for o in db.session.scalars(select(Opd).where(Opd.code.in_(wanted_codes)))
        }
    records, errors = [], []
    nip_rows: dict[str, int] = {}
    email_rows: dict[str, int] = {}
    for row in rows:
        values, nip, email, problems, head = _parse_row(row, columns, opds)
        if nip and nip in nip_rows:
            problems.append(
                _(
                    "NIP %(nip)s ganda (juga di baris %(row)s)",
                    nip=format_nip(nip),
                    row=nip_rows[nip],
                )
            )
        elif nip:
            nip_rows[nip] = row.number
        if email and email in email_rows:
            problems.append(
                _(
                    "e-mail %(email)s ganda (juga di baris %(row)s)",
                    email=email,
                    row=email_rows[email],
                )
            )
        elif email:
            email_rows[email] = row.number
        errors.extend((row.number, problem) for problem in problems)
        if not problems:
            records.append(
                {"row": row.number, "values": values, "nip": nip, "email": email, "head": head}
            )
    return records, errors


MATCH_CHUNK = 5000  # values per IN (…): well below SQLite's and PostgreSQL's limits


def _people_where(column, values, *conditions) -> list[Person]:
    """People whose ``column`` is one of ``values``: one query per 5,000 values."""
    values = list(values)
    people = []
    for start in range(0, len(values), MATCH_CHUNK):
        chunk = values[start : start + MATCH_CHUNK]
        people += db.session.scalars(select(Person).where(column.in_(chunk), *conditions))
    return people


@dataclass
class _Directory:
    """The people an import's records may match, looked up at once."""

    by_nip: dict[str, Person] = field(default_factory=dict)
    by_email: dict[str, Person] = field(default_factory=dict)
    by_name: dict[str, list[Person]] = field(default_factory=dict)  # no NIP, no e-mail
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)  # OPD id → (person, capacity)

    @classmethod
    def load(cls, records: list[dict]) -> "_Directory":
        """A few queries whatever the size (one per 5,000 values): people by NIP, by e-mail,
        namesakes, and the recorded heads when the file names any."""
        found = cls()
        for person in _people_where(Person.nip, {r["nip"] for r in records if r["nip"]}):
            found.by_nip[person.nip] = person
            if person.email:
                found.by_email[person.email] = person
        for person in _people_where(Person.email, {r["email"] for r in records if r["email"]}):
            found.by_email[person.email] = person
            if person.nip:
                found.by_nip[person.nip] = person
        # Guests with neither NIP nor e-mail (e.g. exported, then imported back) match by name.
        names = {r["values"]["name"].lower() for r in records if not (r["nip"] or r["email"])}
        for person in _people_where(
            func.lower(Person.name), names, Person.nip.is_(None), Person.email.is_(None)
        ):
            found.by_name.setdefault(person.name.lower(), []).append(person)
        if any(r["head"] for r in records):
            found.heads = _current_heads()
        return found


def _match(record: dict, found: _Directory, matched_rows: dict[int, int]):
    """(person or None, problems): the existing person a record means — by NIP, else by e-mail,
    else (with neither) the one person without NIP and e-mail of the same name."""
    nip, email, values, number = record["nip"], record["email"], record["values"], record["row"]
    by_nip = found.by_nip.get(nip) if nip else None
    by_email = found.by_email.get(email) if email else None
    person = by_nip or by_email
    problems = []
    namesakes = [] if nip or email else found.by_name.get(values["name"].lower(), [])
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
    return person, problems


def plan_import(records: list[dict], _ctx=None) -> ImportPlan:
    """Step 2, for the preview and again on confirm: match every record to the directory as
    it is now and say what would be created, updated or left alone. Writes nothing."""
    plan = ImportPlan()
    found = _Directory.load(records)
    matched_rows: dict[int, int] = {}  # person id → row number
    head_rows: dict[int, int] = {}  # OPD id → the row that names its head
    for record in records:
        number, values, head = record["row"], dict(record["values"]), record["head"]
        person, problems = _match(record, found, matched_rows)
        if person is None and "level" not in values:
            if record["nip"]:
                problems.append(_("level wajib diisi untuk orang baru yang ber-NIP"))
            else:
                values["level"] = "non_asn"
        head_opd = values.get("opd_id", person.opd_id if person is not None else None)
        if head and head_opd is None:
            problems.append(_("kepala_opd diisi, tetapi orang ini tidak punya OPD (kode_opd)"))
        elif head and head_opd in head_rows:
            problems.append(
                _("baris %(row)s juga menjadi kepala OPD yang sama", row=head_rows[head_opd])
            )
        elif head:
            head_rows[head_opd] = number
        plan.errors.extend((number, problem) for problem in problems)
        if problems:
            continue
        # NIP and e-mail identify people: an empty cell never erases them.
        for key in ("nip", "email"):
            if record[key]:
                values[key] = record[key]
        if person is None:
            plan.creates.append(PlannedRow(number, values, head=head, head_opd_id=head_opd))
            continue
        changes = {
            key: (getattr(person, key), value)
            for key, value in values.items()
            if getattr(person, key) != value
        }
        held = found.heads.get(head_opd)
        if head and held != (person.id, head):
            changes["head"] = (held[1] if held and held[0] == person.id else None, head)
        if changes:
            plan.updates.append(PlannedRow(number, values, person, changes, head, head_opd))
        else:
            plan.unchanged += 1
    plan.opd_codes = _opd_codes(plan)
    return plan


def _opd_codes(plan: ImportPlan) -> dict[int, str]:
    """Codes of the OPDs the preview names (people moved to and from them): one query."""
    ids = {row.values.get("opd_id") for row in plan.creates + plan.updates}
    ids |= {row.changes["opd_id"][0] for row in plan.updates if "opd_id" in row.changes}
    ids -= {None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Opd.id, Opd.code).where(Opd.id.in_(ids))).all())


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


def apply_import(plan: ImportPlan) -> tuple[int, int]:
    """Write a checked plan with bulk statements (the import's one audit entry is written by
    ``app.staged_import``). The caller commits."""
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
            values["sort_name"] = sort_key(values["name"])
            values["id"] = person.id
            params.append(values)
        db.session.execute(update(Person), params)
    _write_heads(plan, created_ids)
    db.session.expire_all()  # bulk UPDATE bypassed the identity map
    return len(plan.creates), len(plan.updates)


# --- the import's page: sections of the preview, the staged-import plug ----------------------

FIELD_LABELS = {
    "nip": _l("NIP"),
    "name": _l("Nama"),
    "position": _l("Jabatan"),
    "level": _l("Jenjang"),
    "golongan": _l("Golongan"),
    "opd_id": _l("OPD"),
    "email": _l("Email"),
    "phone": _l("Telepon"),
    "institution": _l("Instansi"),
    "head": _l("Kepala OPD"),
}


def _shown(plan: ImportPlan, field_name: str, value) -> str:
    if value is None or value == "":
        return "∅"
    if field_name == "opd_id":
        return plan.opd_codes.get(value, str(value))
    if field_name == "level":
        return str(LEVEL_LABELS.get(value, value))
    if field_name == "head":
        return str(CAPACITY_LABELS.get(value, value))
    if field_name == "nip":
        return format_nip(value)
    return str(value)


def preview_plan(records: list[dict], ctx=None) -> Plan:
    """``plan_import`` in the shape of ``app.staged_import``: counts and two sections."""
    plan = plan_import(records, ctx)
    created = [
        (
            row.number,
            [
                format_nip(row.values.get("nip")),
                row.values["name"],
                row.values.get("position", ""),
                _shown(plan, "level", row.values.get("level")),
                _shown(plan, "opd_id", row.values.get("opd_id")),
                row.values.get("email") or "",
                str(CAPACITY_LABELS.get(row.head, "")),
            ],
        )
        for row in plan.creates
    ]
    updated = [
        (
            row.number,
            [
                row.person.name + (f" ({format_nip(row.person.nip)})" if row.person.nip else ""),
                [
                    f"{FIELD_LABELS.get(key, key)}: {_shown(plan, key, before)} → "
                    f"{_shown(plan, key, after)}"
                    for key, (before, after) in row.changes.items()
                ],
            ],
        )
        for row in plan.updates
    ]
    return Plan(
        rows=plan,
        errors=plan.errors,
        counts=[
            Count("dibuat", _("baru"), len(plan.creates)),
            Count("diperbarui", _("diperbarui"), len(plan.updates)),
            Count("tidak_berubah", _("tidak berubah"), plan.unchanged),
        ],
        sections=[
            Section(
                _("Akan dibuat"),
                [_("NIP"), _("Nama"), _("Jabatan"), _("Jenjang"), _("OPD"), _("Email")]
                + [_("Kepala OPD")],
                created,
            ),
            Section(_("Akan diperbarui"), [_("Nama"), _("Perubahan")], updated),
        ],
    )


def _apply(plan: Plan, _ctx=None) -> str:
    created, updated = apply_import(plan.rows)
    return _(
        "Impor selesai: %(created)s orang baru, %(updated)s diperbarui, "
        "%(unchanged)s tidak berubah.",
        created=created,
        updated=updated,
        unchanged=plan.rows.unchanged,
    )


IMPORTER = Importer(
    name="people",
    title=_l("Impor pejabat"),
    columns=tuple(REQUIRED_COLUMNS),
    parse=parse_rows,
    plan=preview_plan,
    apply=_apply,
    endpoints={
        "upload": "directory.import_people",
        "preview": "directory.import_preview",
        "confirm": "directory.import_confirm",
        "cancel": "directory.import_cancel",
    },
    done=lambda plan, ctx: url_for("directory.index"),
    audit_type="PeopleImport",
)
