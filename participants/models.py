import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from agenda.models import Event
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import utcnow
from participants.names import sort_key
from participants.nip import format_nip

# Position levels (jenjang jabatan); the value is stored, the label shown (LEVEL_LABELS in forms).
PERSON_LEVELS = ("jpt_pratama", "administrator", "pengawas", "fungsional", "non_asn")
# Golongan ruang of PNS, lowest to highest.
GOLONGAN = (
    *(f"I/{g}" for g in "abcd"),
    *(f"II/{g}" for g in "abcd"),
    *(f"III/{g}" for g in "abcd"),
    *(f"IV/{g}" for g in "abcde"),
)


class Person(db.Model):
    """Someone who can be invited: an official of an OPD or an outside guest (speaker, partner).

    ``nip`` is 18 bare digits (validated in ``participants.nip``) or None for people without
    one; ``email`` is lower-case or None. Both identify a person on import.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # with academic titles
    # The name without its titles, case-folded (participants/names.py): lists sort by it, so
    # "Dr. Ir. Zainal …" stands under Z. Kept from ``name`` on every write, bulk inserts too.
    sort_name: Mapped[str] = mapped_column(
        String(200),
        default=lambda context: sort_key(context.get_current_parameters().get("name") or ""),
        server_default="",
    )
    position: Mapped[str] = mapped_column(String(200), default="")  # jabatan
    level: Mapped[str] = mapped_column(String(20), index=True)
    golongan: Mapped[str] = mapped_column(String(8), default="")
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")  # for guests
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    opd: Mapped[Opd | None] = relationship()
    # Loaded with every person (one query per list), so printing a position never costs more.
    headships: Mapped[list["OpdHead"]] = relationship(
        back_populates="person", lazy="selectin", order_by="OpdHead.opd_id"
    )

    @validates("name")
    def _keep_sort_name(self, _key, value):
        self.sort_name = sort_key(value or "")
        return value

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip)

    @property
    def position_line(self) -> str:
        return position_line(self.position, self.headships)

    @property
    def affiliation(self) -> str:
        """Where the person works: the OPD's short name, else the institution."""
        return str(self.opd) if self.opd is not None else self.institution

    def __str__(self) -> str:
        return self.name


def position_line(position: str, headships) -> str:
    """The position to print: "Plt. Kepala Dinas …" while acting as a head, else the
    position as stored (a definitive head's own position already names the office).
    ``headships`` are the person's OpdHead rows in opd_id order."""
    acting = [h for h in headships if h.capacity != "definitif"]
    if acting:
        return "; ".join(h.title_line for h in acting)
    if not position and headships:
        return headships[0].title_line
    return position


# How the head of an OPD holds the office: definitive, or acting (Pelaksana Tugas / Harian).
HEAD_CAPACITIES = ("definitif", "plt", "plh")
CAPACITY_PREFIX = {"definitif": "", "plt": "Plt.", "plh": "Plh."}


def default_head_title(opd: Opd) -> str:
    """The usual title of an OPD's head from its name: Sekretariat Daerah → Sekretaris Daerah,
    Kecamatan Batu → Camat Batu, Dinas Kesehatan → Kepala Dinas Kesehatan."""
    name = opd.name.strip()
    for unit, head in (
        ("Sekretariat ", "Sekretaris "),
        ("Inspektorat ", "Inspektur "),
        ("Kecamatan ", "Camat "),
        ("Kelurahan ", "Lurah "),
    ):
        if name.startswith(unit):
            return head + name.removeprefix(unit)
    return f"Kepala {name}"


class OpdHead(db.Model):
    """Who heads an OPD, and how: the definitive head or an acting one (Plt./Plh.).

    Named by the organiser or the import, never guessed from a level: the "Kepala OPD"
    invitation rule reads this table. One head per OPD; a person may head several (a
    definitive head elsewhere acting here)."""

    __tablename__ = "opd_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[str] = mapped_column(String(10), default="definitif")
    title: Mapped[str] = mapped_column(String(200), default="")  # empty: default_head_title
    since: Mapped[date | None]

    opd: Mapped[Opd] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(back_populates="headships")

    @property
    def office(self) -> str:
        """The office held: "Kepala Dinas Pariwisata"."""
        return self.title or default_head_title(self.opd)

    @property
    def title_line(self) -> str:
        """The office as printed: "Plt. Kepala Dinas Pariwisata"."""
        prefix = CAPACITY_PREFIX.get(self.capacity, "")
        return f"{prefix} {self.office}" if prefix else self.office

    def __str__(self) -> str:
        return f"{self.title_line}: {self.person.name}" if self.person else self.office


REGISTRATION_ROLES = ("peserta", "narasumber", "panitia", "undangan")
REGISTRATION_STATUSES = ("invited", "confirmed", "declined", "delegated", "cancelled")
TOKEN_KINDS = ("pass", "link")


def new_token() -> str:
    """An opaque random token (160 bits) for a pass QR or a personal link."""
    return secrets.token_urlsafe(20)


class Registration(db.Model):
    """A person invited to an event. A delegate (diwakilkan) has its own registration that
    points to the head's registration with ``delegate_of_id``; the head's status is then
    ``delegated``."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id", name="uq_registration_event_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="peserta")
    status: Mapped[str] = mapped_column(String(20), default="invited", index=True)
    delegate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    group: Mapped[str] = mapped_column(String(60), default="")  # matches Session.track
    note: Mapped[str] = mapped_column(Text, default="")
    # Current tokens; revoked ones move to RevokedToken so old passes scan as "revoked".
    pass_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    link_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship()
    delegate_of: Mapped["Registration | None"] = relationship(
        remote_side=[id], back_populates="delegates"
    )
    delegates: Mapped[list["Registration"]] = relationship(back_populates="delegate_of")

    def __str__(self) -> str:
        return (
            f"{self.person.name} · {self.event.title}"
            if self.person and self.event
            else f"Registration {self.id}"
        )


class RevokedToken(db.Model):
    """A pass or personal-link token that was replaced; it must never identify anyone again."""

    __tablename__ = "revoked_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pass or link
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)


MESSAGE_KINDS = ("invitation", "reminder", "agenda_update")
MESSAGE_STATUSES = ("queued", "sent", "failed")


class OutboundMessage(db.Model):
    """An e-mail in the outbox: what was (or will be) sent to whom, and what happened."""

    __tablename__ = "outbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str] = mapped_column(Text, default="")  # calendar attachment (METHOD:REQUEST)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # While queued, ``sent_at`` is the moment a sender claimed the message and ``claimed_by``
    # who (a task id): participants/mail/delivery.py.
    sent_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # When "Kirim antrean" handed it to the task queue (None: waits for that click).
    dispatched_at: Mapped[datetime | None] = mapped_column(index=True)

    registration: Mapped[Registration | None] = relationship()


class InvitationLetter(db.Model):
    """The official invitation letter (surat undangan) of an event, as the organiser set it."""

    __tablename__ = "invitation_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(100), default="")  # nomor surat
    nature: Mapped[str] = mapped_column(String(50), default="Penting")  # sifat
    attachment: Mapped[str] = mapped_column(String(100), default="1 (satu) berkas")  # lampiran
    subject: Mapped[str] = mapped_column(String(200), default="Undangan")  # perihal
    place: Mapped[str] = mapped_column(String(100), default="Batu")
    letter_date: Mapped[date | None]
    opening: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    dress_code: Mapped[str] = mapped_column(String(200), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_position: Mapped[str] = mapped_column(String(200), default="")
    signatory_rank: Mapped[str] = mapped_column(String(200), default="")  # pangkat
    signatory_nip: Mapped[str] = mapped_column(String(18), default="")

    event: Mapped[Event] = relationship()
