"""Action items of an event from a spreadsheet (XLSX or CSV), through ``app.staged_import``:
a preview of the items, then all rows or none, each error with its row."""

from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from agenda.models import Event
from app.audit.services import OBJECT_LABELS
from app.extensions import db
from app.formatting import short_date
from app.opds.models import Opd
from app.staged_import import Count, Importer, Plan, Section
from app.tabular import Row
from followup.models import ITEM_KINDS
from followup.programs.services import program_by_text
from followup.services import create_item

OBJECT_LABELS["ActionItemImport"] = _l("Impor tindak lanjut")
COLUMNS = [
    "judul",
    "opd_penanggung_jawab",
    "batas_waktu",
    "jenis",
    "opd_pendukung",
    "uraian",
    "target",
    "program_prioritas",  # its number for the event's year, or its name
]
REQUIRED = ["judul", "opd_penanggung_jawab"]
EXAMPLE = [
    "Kontrak kinerja khusus bagi 10 OPD dengan realisasi terendah",
    "BAG-ORG",
    date(2026, 12, 31),  # a date cell, as a spreadsheet user types it
    "komitmen",
    "BAPPEDA, BKD",
    "Ditandatangani kepala OPD di hadapan Wali Kota",
    "10 kontrak ditandatangani",
    "",
]


def _date(text: str) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def _check_row(v: dict, event, opds: dict[str, Opd], programs: dict) -> tuple[dict, list[str]]:
    """The record of one row and its problems."""
    problems = []
    title = v.get("judul", "").strip()
    if not title:
        problems.append(_("judul kosong"))
    elif len(title) > 300:
        problems.append(_("judul lebih dari 300 karakter"))
    lead = opds.get(v.get("opd_penanggung_jawab", "").strip().upper())
    if lead is None:
        problems.append(
            _(
                "kode OPD penanggung jawab %(code)s tidak dikenal",
                code=v.get("opd_penanggung_jawab", "")[:40] or "—",
            )
        )
    kind = (v.get("jenis") or "tugas").strip().lower()
    if kind not in ITEM_KINDS:
        problems.append(
            _("jenis %(kind)s tidak dikenal (rekomendasi, komitmen, tugas)", kind=kind[:40])
        )
    supporting = []
    for code in filter(None, (c.strip().upper() for c in v.get("opd_pendukung", "").split(","))):
        if code in opds:
            supporting.append(opds[code].id)
        else:
            problems.append(_("kode OPD pendukung %(code)s tidak dikenal", code=code[:40]))
    try:
        due_on = _date(v.get("batas_waktu", "").strip())
    except ValueError:
        problems.append(
            _(
                "batas waktu %(value)s bukan tanggal (TTTT-BB-HH)",
                value=v.get("batas_waktu", "")[:40],
            )
        )
        due_on = None
    program_text = v.get("program_prioritas", "").strip()
    program = None
    if program_text:
        if program_text not in programs:
            programs[program_text] = program_by_text(program_text, event.start_date.year)
        program = programs[program_text]
        if program is None:
            problems.append(
                _(
                    "program prioritas %(value)s tidak ada untuk tahun %(year)s",
                    value=program_text[:40],
                    year=event.start_date.year,
                )
            )
    record_ = {
        "title": title,
        "lead": lead.id if lead else None,
        "kind": kind,
        "supporting": supporting,
        "due_on": due_on.isoformat() if due_on else None,
        "description": v.get("uraian", ""),
        "target": v.get("target", ""),
        "program": program.id if program else None,
    }
    return record_, problems


def parse_rows(rows: list[Row], event) -> tuple[list[dict], list[tuple[int, str]]]:
    """Records of the valid rows of ``event``'s action items, and the row errors."""
    opds = {o.code.upper(): o for o in db.session.scalars(select(Opd).where(Opd.active.is_(True)))}
    programs: dict = {}  # text → program, looked up once per distinct text
    records, errors = [], []
    for row in rows:
        record_, problems = _check_row(row.values, event, opds, programs)
        if problems:
            errors.append((row.number, "; ".join(problems)))
        else:
            records.append({"row": row.number, **record_})
    return records, errors


def plan_import(records: list[dict], event) -> Plan:
    """Every record becomes a new item of ``event``; the preview lists them."""
    codes = dict(db.session.execute(select(Opd.id, Opd.code)).all())
    rows = [
        (
            r["row"],
            [
                r["title"],
                codes.get(r["lead"], ""),
                ", ".join(codes.get(i, "") for i in r["supporting"]),
                r["kind"],
                short_date(date.fromisoformat(r["due_on"])) if r["due_on"] else "",
            ],
        )
        for r in records
    ]
    header = [_("Judul"), _("Penanggung jawab"), _("OPD pendukung"), _("Jenis"), _("Batas waktu")]
    return Plan(
        rows=records,
        counts=[Count("dibuat", _("tindak lanjut baru"), len(records))],
        sections=[Section(_("Akan dibuat"), header, rows)],
    )


def apply_import(plan: Plan, event) -> str:
    """Create the items (each audited by ``create_item``)."""
    opds = {o.id: o for o in db.session.scalars(select(Opd))}
    for r in plan.rows:
        create_item(
            event,
            title=r["title"],
            lead_opd=opds[r["lead"]],
            kind=r["kind"],
            supporting_opds=[opds[i] for i in r["supporting"]],
            due_on=date.fromisoformat(r["due_on"]) if r["due_on"] else None,
            description=r["description"],
            target=r["target"],
            priority_program_id=r["program"],
            created_by=current_user,
        )
    return ngettext(
        "%(num)s tindak lanjut diimpor.", "%(num)s tindak lanjut diimpor.", len(plan.rows)
    )


IMPORTER = Importer(
    name="action-items",
    title=_l("Impor tindak lanjut"),
    columns=tuple(REQUIRED),
    parse=parse_rows,
    plan=plan_import,
    apply=apply_import,
    endpoints={
        "upload": "followup.event_items",
        "preview": "followup.meetings.import_preview",
        "confirm": "followup.meetings.import_confirm",
        "cancel": "followup.meetings.import_cancel",
    },
    done=lambda plan, event: url_for("followup.event_items", slug=event.slug),
    audit_type="ActionItemImport",
    url_args=lambda event: {"slug": event.slug},
    scope=lambda event: f"event-{event.id}",
    ctx_id=lambda event: event.id,
    ctx_of=lambda event_id: db.session.get(Event, event_id),
)
