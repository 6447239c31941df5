"""The OPD registry from a spreadsheet, through ``app.staged_import``: OPDs matched by code,
created or updated, parents by code (in the file or already registered), no parent cycles."""

import re

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.opds.models import OPD_KINDS, Opd
from app.staged_import import Count, Importer, Plan, Section
from app.tabular import Row

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
REQUIRED_COLUMNS = ("kode", "nama", "jenis")
_TRUE = {"", "1", "ya", "y", "yes", "true", "aktif"}
_FALSE = {"0", "tidak", "t", "no", "false", "nonaktif"}
OBJECT_LABELS["OpdImport"] = _l("Impor OPD")
TEMPLATE_ROWS = [
    ["SETDA", "Sekretariat Daerah", "Setda", "sekretariat", "", "ya"],
    ["BAG-ORG", "Bagian Organisasi", "Bag. Organisasi", "bagian", "SETDA", "ya"],
    ["KEC-BATU", "Kecamatan Batu", "Kec. Batu", "kecamatan", "", "ya"],
    ["KEL-SISIR", "Kelurahan Sisir", "Kel. Sisir", "kelurahan", "KEC-BATU", "ya"],
]


def parse_rows(rows: list[Row], _ctx=None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Each row on its own and against the file's other rows (a code appears once)."""
    records, errors, seen = [], [], {}
    for row in rows:
        values = row.values
        code = values.get("kode", "").upper()
        name, short_name = values.get("nama", ""), values.get("singkatan", "")
        kind = values.get("jenis", "").lower()
        parent = values.get("induk", "").upper()
        active_text = values.get("aktif", "").lower()
        problems = []
        if not CODE_PATTERN.match(code):
            problems.append(_("kode harus huruf besar, angka atau tanda hubung (maks. 32)"))
        elif code in seen:
            problems.append(
                _("kode %(code)s ganda (juga di baris %(row)s)", code=code, row=seen[code])
            )
        if not name:
            problems.append(_("nama wajib diisi"))
        elif len(name) > 200:
            problems.append(_("nama terlalu panjang (maks. 200 karakter)"))
        if len(short_name) > 60:
            problems.append(
                _("%(column)s terlalu panjang (maks. %(limit)s)", column="singkatan", limit=60)
            )
        if kind not in OPD_KINDS:
            problems.append(
                _(
                    "jenis %(kind)s tidak dikenal (pilih: %(kinds)s)",
                    kind=kind or "-",
                    kinds=", ".join(OPD_KINDS),
                )
            )
        if active_text not in _TRUE | _FALSE:
            problems.append(_("aktif harus 'ya' atau 'tidak'"))
        if parent and parent == code:
            problems.append(_("induk tidak boleh OPD itu sendiri"))
        if code and code not in seen:
            seen[code] = row.number
        errors.extend((row.number, problem) for problem in problems)
        if not problems:
            records.append(
                {
                    "row": row.number,
                    "code": code,
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "parent": parent,
                    "active": active_text not in _FALSE,
                }
            )
    return records, errors


def plan_import(records: list[dict], _ctx=None) -> Plan:
    """Against the registry as it is now: parents exist, no cycle; what is new, what updated."""
    existing = {opd.code: opd for opd in db.session.scalars(select(Opd))}
    known = set(existing) | {r["code"] for r in records}
    errors = [
        (r["row"], _("induk %(code)s tidak ditemukan", code=r["parent"]))
        for r in records
        if r["parent"] and r["parent"] not in known
    ]
    if not errors:
        errors = _cycle_errors(existing, records)
    creates = [r for r in records if r["code"] not in existing]
    updates = [r for r in records if r["code"] in existing]
    header = [_("Kode"), _("Nama"), _("Singkatan"), _("Jenis"), _("Induk"), _("Aktif")]

    def cells(r):
        active = _("ya") if r["active"] else _("tidak")
        return [r["code"], r["name"], r["short_name"], r["kind"], r["parent"], active]

    return Plan(
        rows=records,
        errors=errors,
        counts=[
            Count("dibuat", _("baru"), len(creates)),
            Count("diperbarui", _("diperbarui"), len(updates)),
        ],
        sections=[
            Section(_("Akan dibuat"), header, [(r["row"], cells(r)) for r in creates]),
            Section(_("Akan diperbarui"), header, [(r["row"], cells(r)) for r in updates]),
        ],
    )


def _cycle_errors(existing: dict[str, Opd], records: list[dict]) -> list[tuple[int, str]]:
    """Rows whose parent chain (after the import) would loop back to themselves."""
    code_of = {opd.id: code for code, opd in existing.items()}
    parent_of = {code: code_of.get(opd.parent_id) for code, opd in existing.items()}
    parent_of.update({r["code"]: r["parent"] or None for r in records})
    errors = []
    for record_ in records:
        seen, node = set(), record_["code"]
        while node is not None and node not in seen:
            seen.add(node)
            node = parent_of.get(node)
        if node is not None:
            errors.append((record_["row"], _("induk membentuk lingkaran")))
    return errors


def apply_import(plan: Plan, _ctx=None) -> str:
    """New OPDs first, so every parent has an id; then every field, each row audited."""
    existing = {opd.code: opd for opd in db.session.scalars(select(Opd))}
    new = set()
    for r in plan.rows:
        if r["code"] not in existing:
            existing[r["code"]] = Opd(
                code=r["code"], name=r["name"], short_name=r["name"], kind=r["kind"]
            )
            db.session.add(existing[r["code"]])
            new.add(r["code"])
    db.session.flush()
    for r in plan.rows:
        opd = existing[r["code"]]
        opd.name, opd.short_name = r["name"], r["short_name"] or r["name"]
        opd.kind, opd.active = r["kind"], r["active"]
        opd.parent_id = existing[r["parent"]].id if r["parent"] else None
        record(opd, "create" if r["code"] in new else "update")
    return _(
        "Impor selesai: %(created)s OPD baru, %(updated)s diperbarui.",
        created=len(new),
        updated=len(plan.rows) - len(new),
    )


IMPORTER = Importer(
    name="opds",
    title=_l("Impor OPD"),
    columns=REQUIRED_COLUMNS,
    parse=parse_rows,
    plan=plan_import,
    apply=apply_import,
    endpoints={
        "upload": "opds.import_opds",
        "preview": "opds.import_preview",
        "confirm": "opds.import_confirm",
        "cancel": "opds.import_cancel",
    },
    done=lambda plan, ctx: url_for("opds.index"),
    audit_type="OpdImport",
)
