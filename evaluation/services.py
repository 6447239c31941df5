"""The ranking the Strategic Meeting works from: realisation per OPD against the quarter's
target and threshold, the city total from amounts (Σ realisasi ÷ Σ pagu, never a mean of
percentages), the change since the previous quarter, the quarter's coverage (how many of the
OPDs expected to report have data), targets and corrections. The import that feeds it is in
``imports``; ``ranking(year, quarter)`` reads back the rows and their ``coverage``."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.audit.services import OBJECT_LABELS, record, save_audited
from app.extensions import db
from app.opds.models import Opd
from evaluation.models import (
    QUARTERS,
    BudgetRealisation,
    EventEvaluation,
    RealisationTarget,
    share_percent,
)

OBJECT_LABELS["BudgetRealisation"] = _l("Realisasi anggaran")
OBJECT_LABELS["RealisationTarget"] = _l("Target realisasi")
# Cumulative targets when none are set for a year (a straight line through the year).
DEFAULT_TARGETS = {1: Decimal("25"), 2: Decimal("50"), 3: Decimal("75"), 4: Decimal("100")}
DEFAULT_THRESHOLD = Decimal("57")
# Who is expected to report realisation: the perangkat daerah that hold their own budget (SKPD,
# PP 18/2016): sekretariat daerah and DPRD, inspektorat, dinas, badan, Satpol PP, kecamatan.
# A bagian spends within the Setda's budget and a kelurahan within its kecamatan's, a desa has
# its own APBDes: they are not expected, but when a city imports their figures anyway they are
# ranked and counted like the others (coverage never hides a row).
BUDGET_UNIT_KINDS = ("sekretariat", "inspektorat", "dinas", "badan", "satuan", "kecamatan")


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


@dataclass(frozen=True)
class Coverage:
    """How complete a quarter's figures are: OPDs with data of the OPDs expected to report
    (the active budget units, plus any other OPD that has data)."""

    opds_with_data: int
    opds_total: int

    @property
    def complete(self) -> bool:
        return self.opds_with_data >= self.opds_total

    def note(self) -> str:
        """'data 4 dari 30 perangkat daerah'."""
        return ngettext(
            "data %(with_data)s dari %(num)s perangkat daerah",
            "data %(with_data)s dari %(num)s perangkat daerah",
            self.opds_total,
            with_data=self.opds_with_data,
        )

    def total_label(self) -> str:
        """The label of Σ realisasi ÷ Σ pagu: the city's only when every OPD has data."""
        if self.complete:
            return _("Total kota")
        return ngettext(
            "Total %(num)s perangkat daerah berdata",
            "Total %(num)s perangkat daerah berdata",
            self.opds_with_data,
        )


def _expected():
    return Opd.active.is_(True) & Opd.kind.in_(BUDGET_UNIT_KINDS)


def coverages(year: int | None = None, quarter: int | None = None) -> dict[tuple, Coverage]:
    """The coverage of every quarter with data (or of the one given), in two queries: the one
    function behind every page, document and API that shows a quarter's figures."""
    expected = db.session.scalar(select(func.count()).select_from(Opd).where(_expected()))
    query = (
        select(
            BudgetRealisation.year,
            BudgetRealisation.quarter,
            func.count(),
            func.count(case((_expected(), 1))),
        )
        .join(Opd, Opd.id == BudgetRealisation.opd_id)
        .group_by(BudgetRealisation.year, BudgetRealisation.quarter)
    )
    if year is not None:
        query = query.where(BudgetRealisation.year == year, BudgetRealisation.quarter == quarter)
    found = {
        (y, q): Coverage(with_data, expected + with_data - expected_with_data)
        for y, q, with_data, expected_with_data in db.session.execute(query)
    }
    if year is not None and (year, quarter) not in found:
        found[(year, quarter)] = Coverage(0, expected)
    return found


def coverage(year: int, quarter: int) -> Coverage:
    return coverages(year, quarter)[(year, quarter)]


def missing_opds(year: int, quarter: int) -> list[Opd]:
    """The OPDs expected to report that have no figures for the quarter (one query)."""
    reported = select(BudgetRealisation.opd_id).where(
        BudgetRealisation.year == year, BudgetRealisation.quarter == quarter
    )
    return db.session.scalars(
        select(Opd).where(_expected(), Opd.id.not_in(reported)).order_by(Opd.code)
    ).all()


@dataclass
class Ranking:
    year: int
    quarter: int
    target: Target
    rows: list[Ranked]
    pagu: int
    realisasi_keuangan: int
    coverage: Coverage

    @property
    def percent(self) -> float | None:
        return share_percent(self.realisasi_keuangan, self.pagu)

    @property
    def below(self) -> list[Ranked]:
        return [r for r in self.rows if r.below_threshold]


def latest_quarter(year: int | None = None, quarter: int | None = None) -> tuple[int, int] | None:
    """The latest (year, quarter) with data, within ``year`` or of ``quarter`` when given."""
    query = select(BudgetRealisation.year, BudgetRealisation.quarter)
    if year is not None:
        query = query.where(BudgetRealisation.year == year)
    if quarter is not None:
        query = query.where(BudgetRealisation.quarter == quarter)
    row = db.session.execute(
        query.order_by(BudgetRealisation.year.desc(), BudgetRealisation.quarter.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def quarters_with_data() -> list[tuple[int, int, Coverage]]:
    """(year, quarter, coverage) of every quarter with data, newest first."""
    return [(y, q, c) for (y, q), c in sorted(coverages().items(), reverse=True)]


def default_quarter() -> tuple[int, int] | None:
    """The quarter the ranking opens on: the latest complete one, else the latest with data
    (then shown as partial)."""
    quarters = quarters_with_data()
    complete = [(y, q) for y, q, c in quarters if c.complete]
    if complete:
        return complete[0]
    return (quarters[0][0], quarters[0][1]) if quarters else None


def ranking(year: int, quarter: int, known: dict[tuple, Coverage] | None = None) -> Ranking:
    """OPDs by financial realisation, highest first (an OPD with pagu 0 has no percentage and
    comes last), with the quarter's coverage; four queries whatever the number of OPDs, two
    when ``known`` (what ``coverages()`` gave, as the ranking page has it) holds the quarter."""
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
        coverage=(known or {}).get((year, quarter)) or coverage(year, quarter),
    )


def opd_trend(opd_id: int) -> list[BudgetRealisation]:
    return db.session.scalars(
        select(BudgetRealisation)
        .where(BudgetRealisation.opd_id == opd_id)
        .order_by(BudgetRealisation.year, BudgetRealisation.quarter)
    ).all()


def set_realisation(
    row: BudgetRealisation, *, pagu: int, realisasi_keuangan: int, realisasi_fisik: Decimal
):
    """The organiser's manual correction of one quarter's figures; audited."""
    if pagu < 0 or realisasi_keuangan < 0:
        raise ValueError(_("Jumlah tidak boleh negatif."))
    if realisasi_keuangan > pagu > 0:  # as the import refuses it
        raise ValueError(_("Realisasi keuangan melebihi pagu."))
    row.pagu, row.realisasi_keuangan, row.realisasi_fisik = (
        pagu,
        realisasi_keuangan,
        realisasi_fisik,
    )
    record(row, "update")
    return row


def quarter_of_event(event) -> EventEvaluation | None:
    """The quarter whose ranking ``event`` (a Strategic Meeting) discusses, if attached."""
    return db.session.scalar(select(EventEvaluation).where(EventEvaluation.event_id == event.id))


def attach_quarter(event, year: int, quarter: int) -> EventEvaluation:
    """Attach (or change) the quarter ``event`` discusses; audited."""
    attached = quarter_of_event(event) or EventEvaluation(event_id=event.id)
    return save_audited(attached, year=year, quarter=quarter)
