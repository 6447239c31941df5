"""Assistance week (asistensi) for the OPDs behind: a proposed schedule, then an event.

After the Strategic Meeting the mayor's expert staff (tenaga ahli) spend a working week with
the lowest OPDs. The proposal gives each OPD one slot, lowest first, in the working days of the
period (weekends and configured holidays skipped), never two slots at once for an expert (nor
when the expert already speaks elsewhere) and never two for an OPD. The organiser may change
it; creating the week checks it again with the agenda's own conflict checks, then makes an
event of kind ``asistensi`` with one session per slot (the expert as speaker, the OPD as the
session's OPD) and invites the OPD heads.

Two rules keep the plan honest: nothing is planned in the past (the period starts after today
in the city's zone, the default on the next working day at the earliest), and a meeting and
quarter get one week (``AssistanceWeek``): once made, the planner (``planner.py``, the page's
choices) offers it instead.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from agenda import conflicts, versions
from agenda import services as agenda_services
from agenda.models import Event, Session, SessionSpeaker, Speaker
from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.formatting import long_date
from app.opds.models import Opd
from evaluation.models import AssistanceWeek
from followup.services import today as city_today
from participants.models import OpdHead, Person
from participants.registrations.invitations import invite

DEFAULT_SLOTS = ((time(9, 0), time(11, 0)), (time(13, 0), time(15, 0)))
WEEK = 5  # working days
OBJECT_LABELS["AssistanceWeek"] = _l("Minggu asistensi")


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
    expert: Speaker  # or, in a proposal, a planner.Expert (who may not be a speaker yet)


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


def _working_days_after(day: date, count: int) -> list[date]:
    off, days = holidays(), []
    while len(days) < count:
        day += timedelta(days=1)
        if is_working_day(day, off):
            days.append(day)
    return days


def earliest_start(today: date | None = None) -> date:
    """The first day an assistance week may start: the next working day."""
    return _working_days_after(today or city_today(), 1)[0]


def default_period(meeting: Event, today: date | None = None) -> tuple[date, date]:
    """Five working days after the meeting, or after today when that week has begun or
    passed: never a day in the past."""
    days = _working_days_after(max(meeting.end_date, today or city_today()), WEEK)
    return days[0], days[-1]


def check_period(start: date, end: date, today: date | None = None) -> None:
    """Refuse a period that starts today or in the past, or ends before it starts."""
    today = today or city_today()
    earliest = long_date(earliest_start(today))
    if start < today:
        raise AssistanceError(
            _(
                "Tanggal mulai %(day)s sudah lewat. Asistensi paling cepat dimulai %(earliest)s.",
                day=long_date(start),
                earliest=earliest,
            )
        )
    if start == today:
        raise AssistanceError(
            _(
                "Asistensi tidak dapat dimulai hari ini (%(day)s): kepala OPD perlu diundang lebih dulu. Paling cepat %(earliest)s.",
                day=long_date(start),
                earliest=earliest,
            )
        )
    if end < start:
        raise AssistanceError(_("Tanggal selesai harus setelah tanggal mulai."))


def slots_between(start: date, end: date, slots=DEFAULT_SLOTS) -> list[Slot]:
    off = holidays()
    result, day = [], start
    while day <= end:
        if is_working_day(day, off):
            result.extend(Slot(day, a, b) for a, b in slots)
        day += timedelta(days=1)
    return result


def _busy(experts: list, start: date, end: date, zone: str) -> set[tuple[int, str]]:
    """(expert id, slot key) already taken by a session elsewhere (one query); an expert who
    is not a speaker yet speaks nowhere."""
    first = agenda_services.to_utc(datetime.combine(start, time.min), zone)
    last = agenda_services.to_utc(datetime.combine(end + timedelta(days=1), time.min), zone)
    taken = set()
    rows = db.session.execute(
        select(SessionSpeaker.speaker_id, Session.starts_at, Session.ends_at)
        .join(Session, Session.id == SessionSpeaker.session_id)
        .where(
            SessionSpeaker.speaker_id.in_([e.id for e in experts if e.id is not None]),
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


def propose(
    opds: list[Opd],
    experts: list,
    start: date,
    end: date,
    zone: str,
    today: date | None = None,
) -> list[Assignment]:
    """One slot per OPD (in the given order: lowest first), experts (speakers or ``Expert``)
    in turn; ``today`` (default: the city's) bounds the period."""
    if not opds:
        raise AssistanceError(_("Pilih OPD yang akan diasistensi."))
    if not experts:
        raise AssistanceError(_("Pilih minimal satu tenaga ahli."))
    check_period(start, end, today)
    busy = _busy(experts, start, end, zone)
    free = [
        (slot, e)
        for slot in slots_between(start, end)
        for e in experts
        if e.id is None or (e.id, slot.key) not in busy
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


def check(assignments: list[Assignment], today: date | None = None) -> None:
    """Refuse an adjusted schedule that is empty, lies in the past or double-books an expert
    or an OPD."""
    if not assignments:
        raise AssistanceError(_("Pilih OPD yang akan diasistensi."))
    today = today or city_today()
    seen_opd, seen_expert = set(), set()
    off = holidays()
    for a in assignments:
        if a.slot.day <= today:
            raise AssistanceError(
                _(
                    "Jadwal %(opd)s pada %(day)s sudah lewat. Asistensi paling cepat dimulai %(earliest)s.",
                    opd=a.opd.name,
                    day=long_date(a.slot.day),
                    earliest=long_date(earliest_start(today)),
                )
            )
        if a.opd.id in seen_opd:
            raise AssistanceError(_("%(opd)s dijadwalkan dua kali.", opd=a.opd.name))
        seen_opd.add(a.opd.id)
        who = getattr(a.expert, "key", None) or a.expert.id  # an Expert may have no id yet
        if (who, a.slot.key) in seen_expert:
            raise AssistanceError(
                _("%(expert)s dijadwalkan dua kali pada waktu yang sama.", expert=a.expert.name)
            )
        seen_expert.add((who, a.slot.key))
        if not is_working_day(a.slot.day, off):
            raise AssistanceError(_("%(day)s bukan hari kerja.", day=long_date(a.slot.day)))


def existing_week(meeting: Event, year: int, quarter: int) -> Event | None:
    """The assistance week already made after ``meeting`` for the quarter's ranking."""
    return db.session.scalar(
        select(Event)
        .join(AssistanceWeek, AssistanceWeek.event_id == Event.id)
        .where(
            AssistanceWeek.meeting_id == meeting.id,
            AssistanceWeek.year == year,
            AssistanceWeek.quarter == quarter,
        )
    )


def already_made(meeting: Event, year: int, quarter: int, week: Event) -> AssistanceError:
    """The refusal of a second week for a meeting and quarter, naming the first."""
    return AssistanceError(
        _(
            "Acara asistensi setelah %(meeting)s untuk peringkat %(year)s TW%(quarter)s sudah dibuat: %(title)s. Ubah jadwalnya di acara itu.",
            meeting=meeting.title,
            year=year,
            quarter=quarter,
            title=week.title,
        )
    )


def create_week(
    meeting: Event,
    assignments: list[Assignment],
    title: str,
    *,
    year: int,
    quarter: int,
    today: date | None = None,
) -> Event:
    """The asistensi event after ``meeting`` for the quarter's ranking, with its sessions and
    invited heads; refused when the meeting and quarter have one already. ``today`` (default:
    the city's) is the day it is planned on. The caller commits."""
    found = existing_week(meeting, year, quarter)
    if found is not None:
        raise already_made(meeting, year, quarter, found)
    check(assignments, today)
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
    link = AssistanceWeek(event_id=event.id, meeting_id=meeting.id, year=year, quarter=quarter)
    db.session.add(link)
    try:
        # The unique constraint settles two organisers creating at the same moment; the
        # caller rolls back on AssistanceError.
        db.session.flush()
    except IntegrityError:
        raise already_made(meeting, year, quarter, event) from None
    record(link, "create")
    return event
