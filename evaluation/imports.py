"""The realisation import, all or nothing: ``parse_import(xlsx or csv bytes)`` checks every row
and writes nothing, ``save_import(rows)`` writes them (new or replacing that quarter's figures),
audited. For tests and scripts, ``ParsedRow`` may also be built directly for chosen OPDs; then
``services.ranking(year, quarter)`` reads back the ranking and its coverage."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.opds.models import Opd
from app.tabular import TableError, read_table
from evaluation.models import QUARTERS, BudgetRealisation

IMPORT_COLUMNS = ["tahun", "triwulan", "kode_opd", "pagu", "realisasi_keuangan", "realisasi_fisik"]


def parse_rupiah(text: str) -> int:
    """'1.234.567', '1234567', 'Rp1.234.567' or '1234567.0' as whole Rupiah."""
    cleaned = text.replace("Rp", "").replace(" ", "").strip()
    if cleaned.count(".") > 1 or ("." in cleaned and len(cleaned.split(".")[-1]) == 3):
        cleaned = cleaned.replace(".", "")  # Indonesian thousands separators
    cleaned = cleaned.replace(",", ".")
    value = Decimal(cleaned)
    if value < 0 or value != value.to_integral_value():
        raise InvalidOperation
    return int(value)


def parse_percent(text: str) -> Decimal:
    value = Decimal(text.replace("%", "").replace(",", ".").strip())
    if not 0 <= value <= 100:
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


@dataclass
class ParsedRow:
    number: int
    year: int
    quarter: int
    opd: Opd
    pagu: int
    realisasi_keuangan: int
    realisasi_fisik: Decimal


def parse_import(data: bytes) -> tuple[list[ParsedRow], list[tuple[int, str]]]:
    """Rows of a realisation file and the errors (row, message); nothing is written."""
    try:
        rows = read_table(data, IMPORT_COLUMNS)
    except TableError as exc:
        return [], [(0, str(exc))]
    if not rows:
        return [], [(0, _("Berkas tidak berisi baris realisasi."))]
    opds = {o.code.upper(): o for o in db.session.scalars(select(Opd))}
    parsed, errors, seen = [], [], set()
    for row in rows:
        v, problems = row.values, []
        try:
            year = int(v["tahun"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            problems.append(_("tahun %(value)s tidak sah", value=v["tahun"] or "—"))
            year = 0
        try:
            quarter = int(v["triwulan"])
            if quarter not in QUARTERS:
                raise ValueError
        except ValueError:
            problems.append(_("triwulan harus 1–4, bukan %(value)s", value=v["triwulan"] or "—"))
            quarter = 0
        opd = opds.get(v["kode_opd"].strip().upper())
        if opd is None:
            problems.append(_("kode OPD %(code)s tidak dikenal", code=v["kode_opd"] or "—"))
        amounts = {}
        for column in ("pagu", "realisasi_keuangan"):
            try:
                amounts[column] = parse_rupiah(v[column])
            except (InvalidOperation, ValueError):
                problems.append(
                    _(
                        "%(column)s %(value)s bukan jumlah rupiah",
                        column=column,
                        value=v[column] or "—",
                    )
                )
        try:
            physical = parse_percent(v["realisasi_fisik"])
        except (InvalidOperation, ValueError):
            problems.append(
                _("realisasi_fisik %(value)s bukan persen 0–100", value=v["realisasi_fisik"] or "—")
            )
            physical = None
        if len(amounts) == 2 and amounts["realisasi_keuangan"] > amounts["pagu"] > 0:
            problems.append(_("realisasi keuangan melebihi pagu"))
        key = (year, quarter, opd.id if opd else None)
        if opd is not None and key in seen:
            problems.append(_("OPD ini sudah ada di baris lain untuk triwulan yang sama"))
        seen.add(key)
        if problems:
            errors.append((row.number, "; ".join(problems)))
        else:
            parsed.append(
                ParsedRow(
                    row.number,
                    year,
                    quarter,
                    opd,
                    amounts["pagu"],
                    amounts["realisasi_keuangan"],
                    physical,
                )
            )
    return parsed, errors


def save_import(parsed: list[ParsedRow]) -> tuple[int, int]:
    """Write the rows (new or replacing that quarter's figures), audited; (created, updated)."""
    keys = {(p.year, p.quarter) for p in parsed}
    existing = {
        (r.year, r.quarter, r.opd_id): r
        for r in db.session.scalars(
            select(BudgetRealisation).where(
                BudgetRealisation.year.in_({y for y, _q in keys}),
                BudgetRealisation.quarter.in_({q for _y, q in keys}),
            )
        )
    }
    created = updated = 0
    for p in parsed:
        row = existing.get((p.year, p.quarter, p.opd.id))
        if row is None:
            row = BudgetRealisation(year=p.year, quarter=p.quarter, opd_id=p.opd.id)
            db.session.add(row)
            created += 1
            action = "create"
        else:
            updated += 1
            action = "update"
        row.pagu, row.realisasi_keuangan, row.realisasi_fisik = (
            p.pagu,
            p.realisasi_keuangan,
            p.realisasi_fisik,
        )
        record(row, action)
    return created, updated
