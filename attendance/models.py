from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agenda.models import Event, Session
from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow
from participants.models import Registration

SCAN_RESULTS = (
    "ok",
    "duplicate",
    "revoked",
    "wrong_event",
    "not_in_session",
    "outside_event",  # a valid pass, but its time falls outside the event (or it is closed)
    "unknown",
)
CHECKIN_METHODS = ("scan", "self", "manual")
# Manual marks by the organiser for someone who did not come (with a reason).
MARK_STATUSES = ("izin", "sakit", "dinas_luar")
# A device clock further off than this is not believed: the server time is used instead.
CLOCK_TOLERANCE = timedelta(hours=24)
# A scan that reaches the server later than this was taken offline (shown as "unggah tertunda").
LATE_UPLOAD_AFTER = timedelta(minutes=2)


def scope_key(day: date, session_id: int | None) -> str:
    """What one ``ok`` is allowed per: a session (``s12``), or the event day at the door."""
    return f"s{session_id}" if session_id else f"d{day.isoformat()}"


class CheckIn(db.Model):
    """One scan (or self/manual check-in), kept whatever its result: the log of the door.

    ``ok_key`` is set on ``ok`` rows only (registration and scope); its unique constraint
    makes a second ``ok`` impossible even when two devices scan one pass at the same
    instant, and ``nonce`` (chosen by the device) makes a re-sent scan a no-op.
    """

    __tablename__ = "checkin"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]  # the event-local day of the check-in
    result: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10), default="scan")
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    ok_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    raw_code: Mapped[str] = mapped_column(String(200), default="")  # failed scans only
    scanned_at: Mapped[datetime | None]  # device clock (naive UTC)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)  # server clock
    checked_at: Mapped[datetime]  # the time that counts: device time if believable
    late_upload: Mapped[bool] = mapped_column(default=False)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    device: Mapped[str] = mapped_column(String(64), default="")

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration | None] = relationship()
    session: Mapped[Session | None] = relationship()
    operator: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        who = self.registration.person.name if self.registration else self.raw_code[:20]
        return f"{who} · {self.result}"


class AttendanceMark(db.Model):
    """An organiser's note that someone was absent for a reason (izin, sakit, dinas luar)."""

    __tablename__ = "attendance_mark"
    __table_args__ = (
        UniqueConstraint("registration_id", "scope", name="uq_attendance_mark_registration_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    scope: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship()

    def __str__(self) -> str:
        name = self.registration.person.name if self.registration else self.registration_id
        return f"{name} · {self.status}"


class CertificateRule(db.Model):
    """When an event's participants earn a certificate: present in at least ``min_percent``
    of the attendance sessions that are theirs; ``hours`` is the training load (JP)."""

    __tablename__ = "certificate_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    min_percent: Mapped[int] = mapped_column(default=80)
    hours: Mapped[int] = mapped_column(default=0)  # jam pelajaran (JP)
    title: Mapped[str] = mapped_column(String(200), default="SERTIFIKAT")
    # The event's short code in the certificate number ("RAKOR-PP"); empty: the whole slug.
    number_code: Mapped[str] = mapped_column(String(40), default="", server_default="")

    event: Mapped[Event] = relationship()

    def __str__(self) -> str:
        return f"{self.event.title if self.event else self.event_id}: ≥{self.min_percent}%"


class Certificate(db.Model):
    """A numbered certificate issued to a participant; ``token`` is what its verification QR
    carries (opaque: the public page it opens shows name, event, date and JP only)."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("event_id", "registration_id", name="uq_certificate_event_registration"),
        UniqueConstraint("event_id", "serial", name="uq_certificate_event_serial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    serial: Mapped[int]
    number: Mapped[str] = mapped_column(String(100))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    percent: Mapped[int]
    hours: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration] = relationship()

    def __str__(self) -> str:
        return self.number
