from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agenda.models import Event
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import utcnow

QUARTERS = (1, 2, 3, 4)


def share_percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` (2 decimals); None where ``whole`` is 0."""
    return round(100 * part / whole, 2) if whole else None


class BudgetRealisation(db.Model):
    """An OPD's budget and its realisation up to the end of a quarter (cumulative), in whole
    Rupiah; the percentage is computed, never stored."""

    __tablename__ = "budget_realisation"
    __table_args__ = (
        UniqueConstraint("year", "quarter", "opd_id", name="uq_budget_realisation_quarter_opd"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    quarter: Mapped[int]
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"), index=True)
    pagu: Mapped[int] = mapped_column(BigInteger)
    realisasi_keuangan: Mapped[int] = mapped_column(BigInteger)
    realisasi_fisik: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # percent
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    opd: Mapped[Opd] = relationship()

    @property
    def percent(self) -> float | None:
        return share_percent(self.realisasi_keuangan, self.pagu)

    def __str__(self) -> str:
        return f"{self.opd.code if self.opd else self.opd_id} {self.year} TW{self.quarter}"


class RealisationTarget(db.Model):
    """The cumulative target of a quarter (e.g. 25/50/75/100%) and the threshold under which an
    OPD is called out (e.g. 57%)."""

    __tablename__ = "realisation_target"
    __table_args__ = (UniqueConstraint("year", "quarter", name="uq_realisation_target_quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    quarter: Mapped[int]
    target_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    threshold_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    # OPD users see the quarter's ranking only once the organiser shares it (their own figures
    # they always see).
    shared_with_opds: Mapped[bool] = mapped_column(default=False)

    def __str__(self) -> str:
        return f"{self.year} TW{self.quarter}: {self.target_percent}%"


class EventEvaluation(db.Model):
    """The quarter whose ranking an event (a Strategic Meeting) discusses."""

    __tablename__ = "event_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    year: Mapped[int]
    quarter: Mapped[int]

    event: Mapped[Event] = relationship()

    def __str__(self) -> str:
        return f"{self.event.title if self.event else self.event_id}: {self.year} TW{self.quarter}"


class AssistanceWeek(db.Model):
    """The assistance week (an event of kind ``asistensi``) planned from the ranking of a quarter
    after a meeting: one per meeting and quarter, so a second "create" offers this one."""

    __tablename__ = "assistance_week"
    __table_args__ = (
        UniqueConstraint(
            "meeting_id", "year", "quarter", name="uq_assistance_week_meeting_quarter"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    # The unique constraint (meeting first) is its index.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    year: Mapped[int]
    quarter: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(foreign_keys=[event_id])
    meeting: Mapped[Event] = relationship(foreign_keys=[meeting_id])

    def __str__(self) -> str:
        return f"{self.event.title if self.event else self.event_id}: {self.year} TW{self.quarter}"
