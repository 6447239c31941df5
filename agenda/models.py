import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import DEFAULT_ZONE, utcnow

EVENT_KINDS = ("strategic_meeting", "rapat_koordinasi", "retret", "capacity_building", "asistensi")
EVENT_STATUSES = ("draft", "published", "closed")
SESSION_KINDS = ("plenary", "breakout", "ceremony", "break", "field", "discussion")
SPEAKER_ROLES = ("narasumber", "moderator", "mc", "pemateri")
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


class EventSeries(db.Model):
    """A recurring forum, e.g. "Strategic Meeting 2025" held every quarter."""

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.title


class Event(db.Model):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(40), default=DEFAULT_ZONE)
    venue: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    organiser_opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    capacity: Mapped[int | None]  # how many participants may register (None: no limit)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    series: Mapped[EventSeries | None] = relationship()
    organiser_opd: Mapped[Opd | None] = relationship()
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="event", order_by="Room.position, Room.id", cascade="all, delete-orphan"
    )
    sessions: Mapped[list["Session"]] = relationship(
        back_populates="event",
        order_by="Session.starts_at, Session.id",
        cascade="all, delete-orphan",
    )

    @property
    def days(self) -> list[date]:
        from datetime import timedelta

        return [
            self.start_date + timedelta(days=i)
            for i in range((self.end_date - self.start_date).days + 1)
        ]

    def __str__(self) -> str:
        return self.title


class Room(db.Model):
    __tablename__ = "room"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="rooms")

    def __str__(self) -> str:
        return self.name


class Speaker(db.Model):
    """A narasumber in the reusable directory (shared by all events)."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # with academic titles
    position: Mapped[str] = mapped_column(String(200), default="")  # jabatan
    institution: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # Opaque id for the speaker's public calendar feed (not guessable from the row id).
    feed_token: Mapped[str] = mapped_column(
        String(40), unique=True, default=lambda: uuid.uuid4().hex
    )

    def __str__(self) -> str:
        return self.name


class Session(db.Model):
    __tablename__ = "agenda_session"
    # Ids are never reused (SQLite would reuse a deleted row's id): published snapshots keep them.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # Stable iCalendar UID: kept across edits and exports.
    uid: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: f"{uuid.uuid4()}@sinergi"
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="plenary")
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]  # naive UTC
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("room.id", ondelete="SET NULL"), index=True
    )
    track: Mapped[str] = mapped_column(String(60), default="")  # group/track; empty = everyone
    takes_attendance: Mapped[bool] = mapped_column(default=False)
    # Arriving more than this after the start counts as "terlambat" (late).
    late_after_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    description: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    # The OPD a session is about (an assistance slot: asistensi), else None.
    opd_id: Mapped[int | None] = mapped_column(
        ForeignKey("opd.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    opd: Mapped[Opd | None] = relationship(lazy="joined")
    speaker_links: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session", order_by="SessionSpeaker.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class SessionSpeaker(db.Model):
    __tablename__ = "session_speaker"
    __table_args__ = (UniqueConstraint("session_id", "speaker_id", name="uq_session_speaker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True
    )
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="narasumber")
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[Session] = relationship(back_populates="speaker_links")
    speaker: Mapped[Speaker] = relationship()


class AgendaVersion(db.Model):
    """A published agenda: a frozen snapshot, its change list and its ready-made calendar."""

    __tablename__ = "agenda_version"
    __table_args__ = (UniqueConstraint("event_id", "number", name="uq_agenda_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # {"event": {...}, "sessions": [{...}], "speakers": {...}} — see services.snapshot
    snapshot: Mapped[dict] = mapped_column(JSON)
    changes: Mapped[list] = mapped_column(JSON, default=list)
    # The event's agenda.ics, built once at publication (served as is).
    ics: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship()
    published_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.event.title if self.event else self.event_id} v{self.number}"
