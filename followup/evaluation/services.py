"""The ranking the Strategic Meeting works from: realisation per OPD against the quarter's
target and threshold, the city total from amounts (Σ realisasi ÷ Σ pagu, never a mean of
percentages), the change since the previous quarter; and the import that feeds it."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.opds.models import Opd
from app.tabular import TableError, read_table
from followup.evaluation.models import (
    QUARTERS,
    BudgetRealisation,
    PactTarget,
    RealisationTarget,
    share_percent,
)
from followup.models import ActionItem
from followup.services import counted

OBJECT_LABELS["BudgetRealisation"] = _l("Realisasi anggaran")
OBJECT_LABELS["RealisationTarget"] = _l("Target realisasi")
# Cumulative targets when none are set for a year (a straight line through the year).
DEFAULT_TARGETS = {1: Decimal("25"), 2: Decimal("50"), 3: Decimal("75"), 4: Decimal("100")}
DEFAULT_THRESHOLD = Decimal("57")
IMPORT_COLUMNS = ["tahun", "triwulan", "kode_opd", "pagu", "realisasi_keuangan", "realisasi_fisik"]


@dataclass
class Target:
    target_percent: float
    threshold_percent: float
    shared_with_opds: bool = False


def target_for(year: int, quarter: int) -> Target:
    row = db.session.scalar(
        select(RealisationTarget).where(
            RealisationTarget.year == year, RealisationTarget.quarter == quarter
        )
    )
    if row is None:
        return Target(float(DEFAULT_TARGETS[quarter]), float(DEFAULT_THRESHOLD))
    return Target(float(row.target_percent), float(row.threshold_percent), row.shared_with_opds)


def save_targets(
    year: int, targets: dict[int, Decimal], threshold: Decimal, shared: set[int] = frozenset()
) -> None:
    """The year's cumulative target per quarter and its threshold; ``shared``: the quarters
    whose ranking OPD users may see."""
    existing = {
        t.quarter: t
        for t in db.session.scalars(select(RealisationTarget).where(RealisationTarget.year == year))
    }
    for quarter in QUARTERS:
        row = existing.get(quarter) or RealisationTarget(year=year, quarter=quarter)
        creating = row.id is None
        row.target_percent, row.threshold_percent = targets[quarter], threshold
        row.shared_with_opds = quarter in shared
        if creating:
            db.session.add(row)
        record(row, "create" if creating else "update")


@dataclass
class Ranked:
    rank: int
    opd: Opd
    pagu: int
    realisasi_keuangan: int
    percent: float | None
    realisasi_fisik: float
    target_percent: float
    deviation: float | None  # percentage points against the quarter's target
    change: float | None  # percentage points since the previous quarter
    below_threshold: bool


@dataclass
class Ranking:
    year: int
    quarter: int
    target: Target
    rows: list[Ranked]
    pagu: int
    realisasi_keuangan: int

    @property
    def percent(self) -> float | None:
        return share_percent(self.realisasi_keuangan, self.pagu)

    @property
    def below(self) -> list[Ranked]:
        return [r for r in self.rows if r.below_threshold]


def latest_quarter() -> tuple[int, int] | None:
    row = db.session.execute(
        select(BudgetRealisation.year, BudgetRealisation.quarter)
        .order_by(BudgetRealisation.year.desc(), BudgetRealisation.quarter.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def quarters_with_data() -> list[tuple[int, int]]:
    return [
        (y, q)
        for y, q in db.session.execute(
            select(BudgetRealisation.year, BudgetRealisation.quarter)
            .distinct()
            .order_by(BudgetRealisation.year.desc(), BudgetRealisation.quarter.desc())
        )
    ]


def ranking(year: int, quarter: int) -> Ranking:
    """OPDs by financial realisation, highest first (an OPD with pagu 0 has no percentage and
    comes last); two queries whatever the number of OPDs."""
    target = target_for(year, quarter)
    rows = db.session.scalars(
        select(BudgetRealisation)
        .where(
            BudgetRealisation.year == year,
            BudgetRealisation.quarter.in_((quarter, quarter - 1)),
        )
        .options(joinedload(BudgetRealisation.opd))
    ).all()
    current = [r for r in rows if r.quarter == quarter]
    before = {r.opd_id: r.percent for r in rows if r.quarter == quarter - 1}
    current.sort(key=lambda r: (r.percent is None, -(r.percent or 0), r.opd.code))
    ranked = []
    for rank, row in enumerate(current, start=1):
        value = row.percent
        previous = before.get(row.opd_id)
        ranked.append(
            Ranked(
                rank=rank,
                opd=row.opd,
                pagu=row.pagu,
                realisasi_keuangan=row.realisasi_keuangan,
                percent=value,
                realisasi_fisik=float(row.realisasi_fisik),
                target_percent=target.target_percent,
                deviation=round(value - target.target_percent, 2) if value is not None else None,
                change=round(value - previous, 2)
                if value is not None and previous is not None
                else None,
                below_threshold=value is not None and value < target.threshold_percent,
            )
        )
    return Ranking(
        year,
        quarter,
        target,
        ranked,
        pagu=sum(r.pagu for r in current),
        realisasi_keuangan=sum(r.realisasi_keuangan for r in current),
    )


def opd_trend(opd_id: int) -> list[BudgetRealisation]:
    return db.session.scalars(
        select(BudgetRealisation)
        .where(BudgetRealisation.opd_id == opd_id)
        .order_by(BudgetRealisation.year, BudgetRealisation.quarter)
    ).all()


# --- import ---------------------------------------------------------------------------------------


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


def set_realisation(
    row: BudgetRealisation, *, pagu: int, realisasi_keuangan: int, realisasi_fisik: Decimal
):
    """The organiser's manual correction of one quarter's figures; audited."""
    if pagu < 0 or realisasi_keuangan < 0:
        raise ValueError(_("Jumlah tidak boleh negatif."))
    row.pagu, row.realisasi_keuangan, row.realisasi_fisik = (
        pagu,
        realisasi_keuangan,
        realisasi_fisik,
    )
    record(row, "update")
    return row


def pact_targets_of(year: int) -> list[PactTarget]:
    return db.session.scalars(
        select(PactTarget)
        .where(PactTarget.year == year)
        .options(joinedload(PactTarget.opd))
        .order_by(PactTarget.opd_id, PactTarget.id)
    ).all()


def pact_progress(opd_id: int) -> dict[int, tuple[int, float]]:
    """Per pact target of the OPD: (linked items, their average progress), one query."""
    return {
        target_id: (count, float(avg or 0))
        for target_id, count, avg in db.session.execute(
            counted(select(ActionItem.pact_target_id, func.count(), func.avg(ActionItem.progress)))
            .join(PactTarget, PactTarget.id == ActionItem.pact_target_id)
            .where(PactTarget.opd_id == opd_id)
            .group_by(ActionItem.pact_target_id)
        )
    }
