"""Action items from a spreadsheet (XLSX or CSV): all rows or none, each error with its row."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.opds.models import Opd
from app.tabular import TableError, read_table
from followup.models import ITEM_KINDS
from followup.programs.services import program_by_text
from followup.services import create_item

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


def import_items(event, data: bytes, user) -> tuple[int, list[tuple[int, str]]]:
    """(items created, row errors). With any error nothing is created."""
    try:
        rows = read_table(data, REQUIRED)
    except TableError as exc:
        return 0, [(0, str(exc))]
    if not rows:
        return 0, [(0, _("Berkas tidak berisi baris tindak lanjut."))]
    opds = {o.code.upper(): o for o in db.session.scalars(select(Opd).where(Opd.active.is_(True)))}
    parsed, errors = [], []
    for row in rows:
        v = row.values
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
                    code=v.get("opd_penanggung_jawab") or "—",
                )
            )
        kind = (v.get("jenis") or "tugas").strip().lower()
        if kind not in ITEM_KINDS:
            problems.append(
                _("jenis %(kind)s tidak dikenal (rekomendasi, komitmen, tugas)", kind=kind)
            )
        supporting = []
        for code in filter(
            None, (c.strip().upper() for c in v.get("opd_pendukung", "").split(","))
        ):
            if code in opds:
                supporting.append(opds[code])
            else:
                problems.append(_("kode OPD pendukung %(code)s tidak dikenal", code=code))
        try:
            due_on = _date(v.get("batas_waktu", "").strip())
        except ValueError:
            problems.append(
                _("batas waktu %(value)s bukan tanggal (TTTT-BB-HH)", value=v.get("batas_waktu"))
            )
            due_on = None
        program = None
        if v.get("program_prioritas", "").strip():
            program = program_by_text(v["program_prioritas"], event.start_date.year)
            if program is None:
                problems.append(
                    _(
                        "program prioritas %(value)s tidak ada untuk tahun %(year)s",
                        value=v["program_prioritas"],
                        year=event.start_date.year,
                    )
                )
        if problems:
            errors.append((row.number, "; ".join(problems)))
        else:
            description, target = v.get("uraian", ""), v.get("target", "")
            parsed.append((title, lead, kind, supporting, due_on, description, target, program))
    if errors:
        return 0, errors
    for title, lead, kind, supporting, due_on, description, target, program in parsed:
        create_item(
            event,
            title=title,
            lead_opd=lead,
            kind=kind,
            supporting_opds=supporting,
            due_on=due_on,
            description=description,
            target=target,
            priority_program_id=program.id if program else None,
            created_by=user,
        )
    return len(parsed), []
