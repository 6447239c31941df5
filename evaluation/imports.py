"""The realisation import, all or nothing, through ``app.staged_import``: ``parse_rows`` checks
every row once (amounts bounded, percentages 0–100, known OPDs, one row per OPD and quarter),
``plan_import`` says what is new and what replaces a quarter's figures, ``apply_import`` writes
them, each row audited; then ``services.ranking(year, quarter)`` reads back the ranking."""

import re
from decimal import Decimal, InvalidOperation

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, tuple_

from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.formatting import percent, rupiah
from app.opds.models import Opd
from app.staged_import import Count, Importer, Plan, Section
from app.tabular import Row
from evaluation.models import QUARTERS, BudgetRealisation

IMPORT_COLUMNS = ["tahun", "triwulan", "kode_opd", "pagu", "realisasi_keuangan", "realisasi_fisik"]
MAX_RUPIAH_DIGITS = 15  # a city's whole budget (pagu) fits: up to Rp999 triliun
_PLAIN_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_PLAIN_PERCENT = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?")
OBJECT_LABELS["RealisationImport"] = _l("Impor realisasi")


class AmountTooLarge(ValueError):
    """More digits than any city's budget has."""


def parse_rupiah(text: str) -> int:
    """'1.234.567', '1234567', 'Rp1.234.567' or '1234567.0' as whole Rupiah.

    Only digits with Indonesian separators are read (no sign, exponent, ``Infinity`` or
    ``NaN``), and the length is checked before any number is built, so '1e1000000' or a
    cell of a million digits costs nothing; more than ``MAX_RUPIAH_DIGITS`` digits raise
    ``AmountTooLarge``.
    """
    cleaned = text.replace("Rp", "").replace(" ", "").strip()
    if len(cleaned) > 40:  # 15 digits with separators and decimals fit well within
        raise AmountTooLarge(text)
    if cleaned.count(".") > 1 or ("." in cleaned and len(cleaned.split(".")[-1]) == 3):
        cleaned = cleaned.replace(".", "")  # Indonesian thousands separators
    cleaned = cleaned.replace(",", ".")
    if not _PLAIN_AMOUNT.fullmatch(cleaned):
        raise InvalidOperation(text)
    whole, _dot, fraction = cleaned.partition(".")
    whole = whole.lstrip("0")
    if len(whole) > MAX_RUPIAH_DIGITS:
        raise AmountTooLarge(text)
    if fraction.strip("0"):
        raise InvalidOperation(text)  # not whole Rupiah
    return int(whole or "0")


def parse_percent(text: str) -> Decimal:
    cleaned = text.replace("%", "").replace(",", ".").strip()
    if not _PLAIN_PERCENT.fullmatch(cleaned) or len(cleaned) > 12:
        raise InvalidOperation(text)
    value = Decimal(cleaned)
    if not 0 <= value <= 100:
        raise InvalidOperation(text)
    return value.quantize(Decimal("0.01"))


def _shown(value: str) -> str:
    """A cell as quoted in a message: never more than 30 characters of it."""
    return (value[:30] + "…" if len(value) > 30 else value) or "—"


def _check_row(v: dict, opds: dict[str, Opd], seen: set) -> tuple[dict, list[str]]:
    """The record of one row and its problems."""
    problems = []
    try:
        year = int(v["tahun"]) if len(v["tahun"]) <= 4 else 0
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        problems.append(_("tahun %(value)s tidak sah", value=_shown(v["tahun"])))
        year = 0
    try:
        quarter = int(v["triwulan"]) if len(v["triwulan"]) <= 2 else 0
        if quarter not in QUARTERS:
            raise ValueError
    except ValueError:
        problems.append(_("triwulan harus 1–4, bukan %(value)s", value=_shown(v["triwulan"])))
        quarter = 0
    opd = opds.get(v["kode_opd"].strip().upper())
    if opd is None:
        problems.append(_("kode OPD %(code)s tidak dikenal", code=_shown(v["kode_opd"])))
    amounts = {}
    for column in ("pagu", "realisasi_keuangan"):
        try:
            amounts[column] = parse_rupiah(v[column])
        except AmountTooLarge:
            problems.append(
                _(
                    "%(column)s %(value)s terlalu besar (paling banyak %(digits)s digit)",
                    column=column,
                    value=_shown(v[column]),
                    digits=MAX_RUPIAH_DIGITS,
                )
            )
        except (InvalidOperation, ValueError):
            problems.append(
                _(
                    "%(column)s %(value)s bukan jumlah rupiah",
                    column=column,
                    value=_shown(v[column]),
                )
            )
    try:
        physical = parse_percent(v["realisasi_fisik"])
    except (InvalidOperation, ValueError):
        problems.append(
            _(
                "realisasi_fisik %(value)s bukan persen 0–100",
                value=_shown(v["realisasi_fisik"]),
            )
        )
        physical = None
    if len(amounts) == 2 and amounts["realisasi_keuangan"] > amounts["pagu"] > 0:
        problems.append(_("realisasi keuangan melebihi pagu"))
    key = (year, quarter, opd.id if opd else None)
    if opd is not None and key in seen:
        problems.append(_("OPD ini sudah ada di baris lain untuk triwulan yang sama"))
    seen.add(key)
    record_ = {
        "year": year,
        "quarter": quarter,
        "opd_id": opd.id if opd else None,
        "opd": opd.name if opd else "",
        "pagu": amounts.get("pagu"),
        "realisasi_keuangan": amounts.get("realisasi_keuangan"),
        "realisasi_fisik": str(physical),
    }
    return record_, problems


def parse_rows(rows: list[Row], _ctx=None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Records of the valid rows and the errors (row, message); nothing is written."""
    opds = {o.code.upper(): o for o in db.session.scalars(select(Opd))}
    records, errors, seen = [], [], set()
    for row in rows:
        record_, problems = _check_row(row.values, opds, seen)
        if problems:
            errors.append((row.number, "; ".join(problems)))
        else:
            records.append({"row": row.number, **record_})
    return records, errors


def _existing(records: list[dict]) -> dict[tuple, BudgetRealisation]:
    keys = {(r["year"], r["quarter"], r["opd_id"]) for r in records}
    if not keys:
        return {}
    found = db.session.scalars(
        select(BudgetRealisation).where(
            tuple_(BudgetRealisation.year, BudgetRealisation.quarter, BudgetRealisation.opd_id).in_(
                list(keys)
            )
        )
    )
    return {(r.year, r.quarter, r.opd_id): r for r in found}


def plan_import(records: list[dict], _ctx=None) -> Plan:
    existing = _existing(records)
    replaced = sum((r["year"], r["quarter"], r["opd_id"]) in existing for r in records)
    rows = [
        (
            r["row"],
            [
                f"{r['year']} TW{r['quarter']}",
                r["opd"],
                rupiah(r["pagu"]),
                rupiah(r["realisasi_keuangan"]),
                percent(100 * r["realisasi_keuangan"] / r["pagu"]) if r["pagu"] else "–",
                percent(Decimal(r["realisasi_fisik"])),
            ],
        )
        for r in records
    ]
    header = [_("Triwulan"), _("OPD"), _("Pagu"), _("Realisasi"), "%", _("Fisik")]
    return Plan(
        rows=records,
        counts=[
            Count("dibuat", _("baru"), len(records) - replaced),
            Count("diperbarui", _("diperbarui"), replaced),
        ],
        sections=[Section(_("Akan disimpan"), header, rows)],
    )


def apply_import(plan: Plan, _ctx=None) -> str:
    """Write the rows (new or replacing that quarter's figures), each audited."""
    existing = _existing(plan.rows)
    created = updated = 0
    for p in plan.rows:
        row = existing.get((p["year"], p["quarter"], p["opd_id"]))
        if row is None:
            row = BudgetRealisation(year=p["year"], quarter=p["quarter"], opd_id=p["opd_id"])
            db.session.add(row)
            created += 1
            action = "create"
        else:
            updated += 1
            action = "update"
        row.pagu, row.realisasi_keuangan = p["pagu"], p["realisasi_keuangan"]
        row.realisasi_fisik = Decimal(p["realisasi_fisik"])
        record(row, action)
    return _(
        "Realisasi disimpan: %(created)s baru, %(updated)s diperbarui.",
        created=created,
        updated=updated,
    )


def _done(plan: Plan, _ctx=None) -> str:
    first = plan.rows[0]
    return url_for("evaluation.ranking", year=first["year"], quarter=first["quarter"])


IMPORTER = Importer(
    name="realisation",
    title=_l("Impor realisasi anggaran"),
    columns=tuple(IMPORT_COLUMNS),
    parse=parse_rows,
    plan=plan_import,
    apply=apply_import,
    endpoints={
        "upload": "evaluation.import_realisation",
        "preview": "evaluation.import_preview",
        "confirm": "evaluation.import_confirm",
        "cancel": "evaluation.import_cancel",
    },
    done=_done,
    audit_type="RealisationImport",
)
