from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agenda.models import Event
from agenda.models import Session as AgendaSession
from app.auth.models import User
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import utcnow

ITEM_KINDS = ("rekomendasi", "komitmen", "tugas")
# The vocabulary of follow-up monitoring in Indonesian government audits (DESIGN.md).
ITEM_STATUSES = (
    "belum_ditindaklanjuti",
    "dalam_proses",
    "sesuai",
    "belum_sesuai",
    "tidak_dapat_ditindaklanjuti",
)
OPEN_STATUSES = ("belum_ditindaklanjuti", "dalam_proses", "belum_sesuai")
# Closed because the decision continues as an item of a later meeting (carry-over): the
# decision is counted there, at its latest link, never here (followup/lifecycle.py).
CARRIED = "dilanjutkan"
ALL_STATUSES = (*ITEM_STATUSES, CARRIED)
# What an OPD may claim in a report; the organiser verifies (followup/lifecycle.py).
PROPOSABLE_STATUSES = ("dalam_proses", "sesuai", "tidak_dapat_ditindaklanjuti")
# "superseded": a newer report of the same item replaced it before it was verified.
REVIEW_STATES = ("pending", "accepted", "returned", "superseded")

action_item_support = Table(
    "action_item_support",
    db.metadata,
    Column("action_item_id", ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True),
    Column("opd_id", ForeignKey("opd.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PriorityProgram(db.Model):
    """One of the year's priority programs (program prioritas, e.g. 15 under "Mbatu SAE"),
    led by an OPD; its progress rolls up from the action items linked to it."""

    __tablename__ = "priority_program"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_priority_program_year_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)

    lead_opd: Mapped[Opd | None] = relationship()

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PactTarget(db.Model):
    """A target an OPD head signed in the integrity pact (pakta integritas); action items may
    serve one (as they serve a priority program), and evaluation shows it on the OPD profile."""

    __tablename__ = "pact_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    indicator: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(100))
    achieved: Mapped[str] = mapped_column(String(100), default="")
    sanction_note: Mapped[str] = mapped_column(Text, default="")

    opd: Mapped[Opd] = relationship()

    def __str__(self) -> str:
        return self.indicator


class ActionItem(db.Model):
    """A decision of a meeting that an OPD must follow up (rekomendasi, komitmen, tugas).

    ``status`` and ``progress`` change only through the state machine of followup/lifecycle.py
    (the organiser verifying a report, changing the status, carrying the item over); overdue is
    computed from ``due_on``, never stored. A carried-over item links to its continuation."""

    __tablename__ = "action_item"
    # The dashboards' standings (per lead OPD and status: count, overdue, progress) read this
    # index alone instead of every row; it also serves lookups by lead OPD.
    __table_args__ = (
        Index("ix_action_item_standing", "lead_opd_id", "status", "due_on", "progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="tugas")
    lead_opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    due_on: Mapped[date | None] = mapped_column(index=True)
    target: Mapped[str] = mapped_column(Text, default="")  # indicator / target text
    priority_program_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_program.id", ondelete="SET NULL"), index=True
    )
    pact_target_id: Mapped[int | None] = mapped_column(
        ForeignKey("pact_target.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(30), default="belum_ditindaklanjuti", index=True)
    progress: Mapped[int] = mapped_column(default=0)  # percent, as last accepted
    carried_over_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped[AgendaSession | None] = relationship()
    lead_opd: Mapped[Opd] = relationship()
    supporting_opds: Mapped[list[Opd]] = relationship(
        secondary=action_item_support, order_by="Opd.code"
    )
    carried_over_from: Mapped["ActionItem | None"] = relationship(
        remote_side=[id], back_populates="continuation"
    )
    # The item of a later meeting this one continues as (at most one: "dilanjutkan" is final).
    continuation: Mapped["ActionItem | None"] = relationship(
        back_populates="carried_over_from", uselist=False
    )
    priority_program: Mapped[PriorityProgram | None] = relationship()
    pact_target: Mapped[PactTarget | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="item", order_by="ProgressUpdate.created_at, ProgressUpdate.id"
    )

    def overdue_on(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and self.is_open

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(db.Model):
    """An OPD's report on an item: progress, narrative, evidence; reviewed by the organiser."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("action_item.id", ondelete="CASCADE"), index=True
    )
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    progress: Mapped[int]
    narrative: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The status the OPD claims: dalam_proses, sesuai (done) or tidak_dapat_ditindaklanjuti
    # (the narrative says why); "" for reports older than the claim.
    proposed_status: Mapped[str] = mapped_column(String(30), default="", server_default="")
    review: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    review_status: Mapped[str] = mapped_column(String(30), default="")  # item status after review
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]

    item: Mapped[ActionItem] = relationship(back_populates="updates")
    opd: Mapped[Opd] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="update", order_by="Evidence.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.item.title if self.item else self.item_id}: {self.progress}%"


class Evidence(db.Model):
    """A file (bukti dukung) attached to an update, stored by content hash (app/uploads.py)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("progress_update.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]

    update: Mapped[ProgressUpdate] = relationship(back_populates="evidence")

    def __str__(self) -> str:
        return self.filename


class SessionNote(db.Model):
    """The notulis's minutes of one session (the decisions are its action items)."""

    __tablename__ = "session_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[AgendaSession] = relationship()

    def __str__(self) -> str:
        return self.session.title if self.session else f"Notulen {self.session_id}"
