"""Attendance as the organiser reads it: derived from check-ins plus manual marks.

Nothing here is stored twice: who was present (and when) comes from the ``ok`` check-ins,
who was excused from ``AttendanceMark``; "terlambat" is computed from the session's start and
its ``late_after_minutes``; absence is what is left once the session (or day) is over.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from agenda.models import Event
from agenda.models import Session as AgendaSession
from agenda.services import to_utc
from app.audit.services import ACTION_LABELS, OBJECT_LABELS, record
from app.extensions import db
from app.opds.models import OPD_KINDS, Opd
from app.timeutil import to_zone, utcnow
from attendance.checkins import (
    Place,
    Scan,
    Shown,
    new_nonce,
    opd_of,
    outside_message,
    pass_hash,
    record_scan,
    registration_dict,
)
from attendance.models import MARK_STATUSES, AttendanceMark, CheckIn, scope_key
from participants.models import PERSON_LEVELS, Person, Registration, RevokedToken
from participants.names import bare_name

OBJECT_LABELS["CheckIn"] = _l("Presensi")
OBJECT_LABELS["AttendanceMark"] = _l("Keterangan kehadiran")
ACTION_LABELS.setdefault("checkin", _l("check-in manual"))

# Who is expected: invited or confirmed (a head who sent a delegate is replaced by the delegate).
EXPECTED_STATUSES = ("invited", "confirmed")
PRESENT = ("hadir", "terlambat")


class AttendanceError(ValueError):
    """A manual mark or check-in that cannot be made (the message is for the organiser)."""


@dataclass
class Row:
    """One line of a daftar hadir: a registration and what happened to it in one scope."""

    registration: Registration
    status: str  # hadir, terlambat, izin, sakit, dinas_luar, belum_hadir, tidak_hadir
    checked_at: datetime | None = None
    method: str = ""
    note: str = ""

    @property
    def person(self):
        return self.registration.person

    @property
    def opd(self):
        return opd_of(self.registration)

    @property
    def head(self) -> Registration | None:
        """The head this row stands in for (a delegate's row), else None."""
        return self.registration.delegate_of

    @property
    def present(self) -> bool:
        return self.status in PRESENT


@dataclass
class Sheet:
    """Attendance of one scope: a session, or the event day at the door."""

    event: Event
    day: date
    session: AgendaSession | None
    rows: list[Row] = field(default_factory=list)
    over: bool = False  # the session (or the day) has ended: who did not come is absent

    @property
    def expected(self) -> int:
        return sum(1 for row in self.rows if row.registration.status in EXPECTED_STATUSES)

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.present)

    def listing(self) -> list[Row]:
        """The rows in the order of a daftar hadir: by OPD, then position, then name without
        titles; a delegate on the line of the head they stand in for."""
        return sorted(self.rows, key=_line_key)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            counts[row.status] += 1
        return dict(counts)

    def by_opd(self) -> list[dict]:
        """Present / expected per OPD (a delegate counts for the head's OPD), worst first."""
        groups: dict = {}
        for row in self.rows:
            opd = row.opd
            key = opd.id if opd else 0
            group = groups.setdefault(key, {"opd": opd, "expected": 0, "present": 0, "missing": []})
            group["expected"] += 1
            if row.present:
                group["present"] += 1
            elif row.status in ("belum_hadir", "tidak_hadir"):
                group["missing"].append(row)
        return sorted(
            groups.values(),
            key=lambda g: (-(g["expected"] - g["present"]), str(g["opd"] or "~")),
        )


def _kind_key(opd: Opd) -> tuple:
    kind = OPD_KINDS.index(opd.kind) if opd.kind in OPD_KINDS else len(OPD_KINDS)
    return (kind, opd.name.casefold())


def _opd_key(opd: Opd | None, institution: str) -> tuple:
    """OPDs as the government lists them: Sekretariat, Inspektorat, Dinas, Badan, …, Kecamatan,
    by name within a kind, each unit right after its parent (the Bagian after the Setda, the
    Kelurahan after their Kecamatan); then guests by institution."""
    if opd is None:
        return ((len(OPD_KINDS) + 1, institution.casefold()), ())
    if opd.parent is None:
        return (_kind_key(opd), ())
    return (_kind_key(opd.parent), _kind_key(opd))


def _line_key(row: Row) -> tuple:
    """Where a row stands on the daftar hadir: a delegate takes the head's place."""
    person = (row.head or row.registration).person
    opd = row.opd
    heads_opd = opd is not None and any(h.opd_id == opd.id for h in person.headships)
    level = PERSON_LEVELS.index(person.level) if person.level in PERSON_LEVELS else 99
    return (
        _opd_key(opd, person.institution or ""),
        not heads_opd,  # the head of the OPD (also a Plt./Plh.) first
        level,  # then JPT Pratama, Administrator, Pengawas, Fungsional, non-ASN
        bare_name(person.name).casefold(),
        row.head is not None,
        row.registration.id,
    )


def attendance_sessions(event: Event) -> list[AgendaSession]:
    return [s for s in event.sessions if s.takes_attendance and not s.cancelled]


def default_day(event: Event) -> date:
    """Today during the event, else its first day (DESIGN.md: attendance lists)."""
    today = to_zone(utcnow(), event.timezone).date()
    return today if event.start_date <= today <= event.end_date else event.start_date


def _starts(event: Event, day: date, session: AgendaSession | None) -> AgendaSession | None:
    """The session whose start decides lateness: the session itself, or the day's first."""
    if session is not None:
        return session
    of_day = [
        s
        for s in event.sessions
        if not s.cancelled and to_zone(s.starts_at, event.timezone).date() == day
    ]
    return of_day[0] if of_day else None


def _ends(event: Event, day: date, session: AgendaSession | None) -> datetime:
    if session is not None:
        return session.ends_at
    of_day = [
        s.ends_at
        for s in event.sessions
        if not s.cancelled and to_zone(s.starts_at, event.timezone).date() == day
    ]
    if of_day:
        return max(of_day)
    return to_utc(datetime.combine(day + timedelta(days=1), datetime.min.time()), event.timezone)


def event_registrations(event: Event) -> list[Registration]:
    # Offices joined, not selectin-loaded: a selectin load is one query per 500 people, and
    # the dashboard must cost the same at 20 and at 1,000 registrations.
    person = contains_eager(Registration.person)
    head = joinedload(Registration.delegate_of).joinedload(Registration.person)
    query = (
        select(Registration)
        .join(Registration.person)
        .outerjoin(Person.opd)
        .where(Registration.event_id == event.id)
        .options(
            person.contains_eager(Person.opd).joinedload(Opd.parent),
            person.joinedload(Person.headships),
            head.joinedload(Person.opd).joinedload(Opd.parent),
            head.lazyload(Person.headships),
        )
        .order_by(func.lower(Person.name), Registration.id)
    )
    return db.session.scalars(query).unique().all()


def sheets(
    event: Event,
    day: date,
    sessions: list[AgendaSession | None],
    registrations: list[Registration] | None = None,
) -> list[Sheet]:
    """Attendance of ``day`` at the door (None) and in ``sessions``, from one read of the
    registrations, check-ins and marks (a fixed number of queries however many people).
    ``registrations`` limits it to those (a participant's own page)."""
    checkin_query = select(CheckIn).where(
        CheckIn.event_id == event.id, CheckIn.result == "ok", CheckIn.day == day
    )
    mark_query = select(AttendanceMark).where(
        AttendanceMark.event_id == event.id, AttendanceMark.day == day
    )
    if registrations is None:
        registrations = event_registrations(event)
    else:
        ids = [r.id for r in registrations]
        checkin_query = checkin_query.where(CheckIn.registration_id.in_(ids))
        mark_query = mark_query.where(AttendanceMark.registration_id.in_(ids))
    checkins = db.session.scalars(checkin_query.order_by(CheckIn.checked_at)).all()
    marks = db.session.scalars(mark_query).all()
    now = utcnow()
    result = []
    for session in sessions:
        scope = scope_key(day, session.id if session else None)
        first: dict[int, CheckIn] = {}
        for checkin in checkins:
            # At the door, a check-in to any session of the day shows the person came.
            if session is None or checkin.session_id == session.id:
                first.setdefault(checkin.registration_id, checkin)
        excused = {m.registration_id: m for m in marks if m.scope == scope}
        start = _starts(event, day, session)
        late_after = (
            start.starts_at + timedelta(minutes=start.late_after_minutes) if start else None
        )
        over = now > _ends(event, day, session)
        sheet = Sheet(event, day, session, over=over)
        for registration in registrations:
            if session is not None and session.track and registration.group != session.track:
                continue
            checkin = first.get(registration.id)
            if checkin is None and registration.status not in EXPECTED_STATUSES:
                continue
            if checkin is not None:
                late = late_after is not None and checkin.checked_at > late_after
                row = Row(
                    registration,
                    "terlambat" if late else "hadir",
                    checkin.checked_at,
                    checkin.method,
                )
            elif registration.id in excused:
                mark = excused[registration.id]
                row = Row(registration, mark.status, note=mark.note)
            else:
                row = Row(registration, "tidak_hadir" if over else "belum_hadir")
            sheet.rows.append(row)
        result.append(sheet)
    return result


def sheet(event: Event, day: date | None = None, session: AgendaSession | None = None) -> Sheet:
    if session is not None:
        day = to_zone(session.starts_at, event.timezone).date()
    return sheets(event, day or default_day(event), [session])[0]


def session_of(event: Event, session_id: int | None) -> AgendaSession | None:
    if not session_id:
        return None
    session = db.session.get(AgendaSession, session_id)
    if session is None or session.event_id != event.id:
        raise AttendanceError(_l("Sesi ini bukan bagian dari acara ini."))
    return session


def mark_absence(
    event: Event, registration: Registration, day: date, session, status: str, note: str = ""
):
    """Record (or change, or with ``status=""`` clear) why someone was absent; audited."""
    if registration.event_id != event.id:
        raise AttendanceError(_l("Peserta ini tidak terdaftar di acara ini."))
    if status and status not in MARK_STATUSES:
        raise AttendanceError(_l("Keterangan tidak dikenal."))
    scope = scope_key(day, session.id if session else None)
    mark = db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.registration_id == registration.id, AttendanceMark.scope == scope
        )
    )
    if not status:
        if mark is not None:
            record(mark, "delete")
            db.session.delete(mark)
        return None
    if mark is None:
        mark = AttendanceMark(
            event_id=event.id,
            registration_id=registration.id,
            session_id=session.id if session else None,
            day=day,
            scope=scope,
        )
        db.session.add(mark)
        mark.status, mark.note = status, (note or "").strip()
        record(mark, "create")
    else:
        mark.status, mark.note = status, (note or "").strip()
        record(mark, "update")
    return mark


def first_checkins(event: Event) -> dict[int, datetime]:
    """Each registration's first ``ok`` check-in at the event."""
    return dict(
        db.session.execute(
            select(CheckIn.registration_id, db.func.min(CheckIn.checked_at))
            .where(CheckIn.event_id == event.id, CheckIn.result == "ok")
            .group_by(CheckIn.registration_id)
        ).all()
    )


def roster(event: Event) -> dict:
    """What a scanner needs to judge passes with no network: a hash of each pass (never the
    token), who it is, the replaced passes, and who already has an ``ok`` per scope."""
    registrations = event_registrations(event)
    revoked_tokens = db.session.execute(
        select(RevokedToken.token, RevokedToken.registration_id)
        .join(Registration, Registration.id == RevokedToken.registration_id)
        .where(Registration.event_id == event.id, RevokedToken.kind == "pass")
    ).all()
    done: dict[str, list[int]] = defaultdict(list)
    for registration_id, day, session_id in db.session.execute(
        select(CheckIn.registration_id, CheckIn.day, CheckIn.session_id).where(
            CheckIn.event_id == event.id, CheckIn.result == "ok"
        )
    ):
        done[scope_key(day, session_id)].append(registration_id)
    return {
        # When scans count (checkins.Place), so that the device judges as the server will.
        "window": Place.of(event).window() | {"message": outside_message(event)},
        "sessions": {
            session.id: Place.of(event, session).window()
            | {"message": outside_message(event, session)}
            for session in event.sessions
            if not session.cancelled
        },
        "passes": {
            pass_hash(r.pass_token): {
                **registration_dict(Shown.of(r)),
                "status": r.status,
                "nip": r.person.nip or "",
            }
            for r in registrations
        },
        "revoked": [pass_hash(token) for token, _ in revoked_tokens],
        # Whose a replaced pass was, so the operator can help its holder (the scan answer
        # names them too); the pass itself still carries nothing but its token.
        "revoked_of": {pass_hash(token): rid for token, rid in revoked_tokens},
        "checked_in": dict(done),
    }


def manual_checkin(event: Event, registration: Registration, day: date, session, operator) -> dict:
    """The organiser records that someone came (no pass with them, phone flat); audited.

    While the day (or session) takes scans it counts from now; afterwards (the list corrected
    later) from the start of the session, or of the day; never from a time still to come, so
    a list cannot be ticked in advance (that scan is ``outside_event``, like at the door)."""
    place, now = Place.of(event, session), utcnow()
    if place.day_of(now) == day:
        checked_at = now
    elif session is not None:
        checked_at = min(session.starts_at, now)
    else:
        checked_at = min(to_utc(datetime.combine(day, datetime.min.time()), event.timezone), now)
    answer = record_scan(
        place,
        Scan(code="", nonce=new_nonce(), registration_id=registration.id),
        method="manual",
        operator_id=operator.id if operator is not None else None,
        checked_at=checked_at,
    )
    if answer["result"] == "ok":
        checkin = db.session.scalar(select(CheckIn).where(CheckIn.nonce == answer["nonce"]))
        record(checkin, "checkin")
        db.session.commit()
    return answer


def own_attendance(registration: Registration) -> list[dict]:
    """A participant's attendance per day and per attendance session, for their own page."""
    event = registration.event
    today = to_zone(utcnow(), event.timezone).date()
    days = [d for d in event.days if d <= today]
    rows = []
    for day in days:
        sessions = [
            s
            for s in attendance_sessions(event)
            if to_zone(s.starts_at, event.timezone).date() == day
            and (not s.track or s.track == registration.group)
        ]
        for item in sheets(event, day, [None, *sessions], [registration]):
            mine = next((r for r in item.rows if r.registration.id == registration.id), None)
            if mine is not None:
                rows.append({"day": day, "session": item.session, "row": mine})
    return rows
