"""Assistance week (asistensi) for the OPDs behind: a proposed schedule, then an event.

After the Strategic Meeting the mayor's expert staff (tenaga ahli) spend a working week with
the lowest OPDs. The proposal gives each OPD one slot, lowest first, in the working days of the
period (weekends and configured holidays skipped), never two slots at once for an expert (nor
when the expert already speaks elsewhere) and never two for an OPD. The organiser may change
it; creating the week checks it again with the agenda's own conflict checks, then makes an
event of kind ``asistensi`` with one session per slot (the expert as speaker, the OPD as the
session's OPD) and invites the OPD heads.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from agenda import conflicts, versions
from agenda import services as agenda_services
from agenda.models import Event, Session, SessionSpeaker, Speaker
from app.audit.services import record
from app.extensions import db
from app.opds.models import Opd
from participants.models import OpdHead, Person
from participants.registrations.invitations import invite

DEFAULT_SLOTS = ((time(9, 0), time(11, 0)), (time(13, 0), time(15, 0)))
WEEK = 5  # working days


class AssistanceError(ValueError):
    """The schedule cannot be made; the message says why, for the organiser."""


@dataclass(frozen=True)
class Slot:
    day: date
    start: time
    end: time

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}T{self.start:%H:%M}"

    @classmethod
    def from_key(cls, key: str, slots=DEFAULT_SLOTS) -> "Slot":
        day_text, _sep, start_text = key.partition("T")
        start = datetime.strptime(start_text, "%H:%M").time()
        for slot_start, slot_end in slots:
            if slot_start == start:
                return cls(date.fromisoformat(day_text), slot_start, slot_end)
        raise ValueError(key)


@dataclass
class Assignment:
    opd: Opd
    slot: Slot
    expert: Speaker


def expert_people() -> list[Person]:
    """Officials in the directory who are expert staff (tenaga ahli) by their position."""
    return db.session.scalars(
        select(Person)
        .where(Person.active.is_(True), func.lower(Person.position).contains("tenaga ahli"))
        .order_by(Person.name)
    ).all()


def speaker_for(person: Person) -> Speaker:
    """The expert as a speaker of the sessions (the reusable speaker directory), made once."""
    speaker = db.session.scalar(select(Speaker).where(Speaker.name == person.name))
    if speaker is None:
        speaker = Speaker(
            name=person.name, position=person.position, institution=person.affiliation
        )
        db.session.add(speaker)
        record(speaker, "create")
    return speaker


def holidays() -> set[date]:
    """Public holidays from the configuration (``HOLIDAYS``: ISO dates, comma-separated)."""
    found = set()
    for text in re.split(r"[,\s]+", current_app.config.get("HOLIDAYS", "") or ""):
        if text:
            found.add(date.fromisoformat(text))
    return found


def is_working_day(day: date, off: set[date]) -> bool:
    return day.weekday() < 5 and day not in off


def default_period(meeting: Event) -> tuple[date, date]:
    """The working week after the meeting: the next five working days."""
    off = holidays()
    days, day = [], meeting.end_date
    while len(days) < WEEK:
        day += timedelta(days=1)
        if is_working_day(day, off):
            days.append(day)
    return days[0], days[-1]


def slots_between(start: date, end: date, slots=DEFAULT_SLOTS) -> list[Slot]:
    off = holidays()
    result, day = [], start
    while day <= end:
        if is_working_day(day, off):
            result.extend(Slot(day, a, b) for a, b in slots)
        day += timedelta(days=1)
    return result


def _busy(experts: list[Speaker], start: date, end: date, zone: str) -> set[tuple[int, str]]:
    """(expert id, slot key) already taken by a session elsewhere (one query)."""
    first = agenda_services.to_utc(datetime.combine(start, time.min), zone)
    last = agenda_services.to_utc(datetime.combine(end + timedelta(days=1), time.min), zone)
    taken = set()
    rows = db.session.execute(
        select(SessionSpeaker.speaker_id, Session.starts_at, Session.ends_at)
        .join(Session, Session.id == SessionSpeaker.session_id)
        .where(
            SessionSpeaker.speaker_id.in_([e.id for e in experts]),
            Session.cancelled.is_(False),
            Session.starts_at < last,
            Session.ends_at > first,
        )
    ).all()
    for slot in slots_between(start, end):
        a = agenda_services.to_utc(datetime.combine(slot.day, slot.start), zone)
        b = agenda_services.to_utc(datetime.combine(slot.day, slot.end), zone)
        for speaker_id, starts, ends in rows:
            if starts < b and a < ends:
                taken.add((speaker_id, slot.key))
    return taken


def propose(opds: list[Opd], experts: list[Speaker], start: date, end: date, zone: str):
    """One slot per OPD (in the given order: lowest first), experts in turn."""
    if not opds:
        raise AssistanceError(_("Pilih OPD yang akan diasistensi."))
    if not experts:
        raise AssistanceError(_("Pilih minimal satu tenaga ahli."))
    if end < start:
        raise AssistanceError(_("Tanggal selesai harus setelah tanggal mulai."))
    busy = _busy(experts, start, end, zone)
    free = [
        (slot, e)
        for slot in slots_between(start, end)
        for e in experts
        if (e.id, slot.key) not in busy
    ]
    if len(free) < len(opds):
        raise AssistanceError(
            ngettext(
                "Periode terlalu pendek: %(needed)s OPD perlu jadwal, tersedia %(num)s slot. Perpanjang periode atau tambah tenaga ahli.",
                "Periode terlalu pendek: %(needed)s OPD perlu jadwal, tersedia %(num)s slot. Perpanjang periode atau tambah tenaga ahli.",
                len(free),
                needed=len(opds),
            )
        )
    # Spread over the days: take slots in time order, experts rotating within a slot.
    return [Assignment(opd, slot, expert) for opd, (slot, expert) in zip(opds, free, strict=False)]


def check(assignments: list[Assignment]) -> None:
    """Refuse an adjusted schedule that double-books an expert or an OPD."""
    seen_opd, seen_expert = set(), set()
    off = holidays()
    for a in assignments:
        if a.opd.id in seen_opd:
            raise AssistanceError(_("%(opd)s dijadwalkan dua kali.", opd=a.opd.name))
        seen_opd.add(a.opd.id)
        if (a.expert.id, a.slot.key) in seen_expert:
            raise AssistanceError(
                _("%(expert)s dijadwalkan dua kali pada waktu yang sama.", expert=a.expert.name)
            )
        seen_expert.add((a.expert.id, a.slot.key))
        if not is_working_day(a.slot.day, off):
            raise AssistanceError(_("%(day)s bukan hari kerja.", day=a.slot.day.isoformat()))


def create_week(meeting: Event, assignments: list[Assignment], title: str) -> Event:
    """The asistensi event with its sessions and invited heads; the caller commits."""
    check(assignments)
    days = sorted(a.slot.day for a in assignments)
    slug = agenda_services.unique_slug(f"asistensi {meeting.slug}")
    event = agenda_services.save_event(
        Event(),
        slug=slug,
        title=title,
        kind="asistensi",
        start_date=days[0],
        end_date=days[-1],
        timezone=meeting.timezone,
        venue=meeting.venue,
        status="published",
        series_id=None,
        organiser_opd_id=meeting.organiser_opd_id,
        description=_(
            "Asistensi tenaga ahli wali kota setelah %(meeting)s.", meeting=meeting.title
        ),
    )
    db.session.flush()
    for a in sorted(assignments, key=lambda a: (a.slot.day, a.slot.start, a.opd.code)):
        agenda_services.save_session(
            Session(),
            event=event,
            speakers=[(a.expert, "narasumber")],
            title=_("Asistensi %(opd)s", opd=a.opd.name),
            kind="discussion",
            starts_at=agenda_services.to_utc(
                datetime.combine(a.slot.day, a.slot.start), event.timezone
            ),
            ends_at=agenda_services.to_utc(
                datetime.combine(a.slot.day, a.slot.end), event.timezone
            ),
            room_id=None,
            track="",
            takes_attendance=True,
            description="",
            opd_id=a.opd.id,
        )
    db.session.flush()
    found = [
        c for c in conflicts.find_conflicts(event) if c.kind in ("speaker", "room", "outside_event")
    ]
    if found:
        detail = found[0].detail
        raise AssistanceError(
            _(
                "Jadwal bentrok: %(who)s sudah terjadwal di %(where)s.",
                who=detail.get("speaker", ""),
                where=detail.get("b", ""),
            )
        )
    heads = list(
        db.session.scalars(
            select(OpdHead.person_id).where(OpdHead.opd_id.in_([a.opd.id for a in assignments]))
        )
    )
    if heads:
        invite(event, heads, source=_("Asistensi: kepala OPD"))
    versions.publish(event, note=_("Jadwal asistensi"))
    return event
