"""Recording scans: the rules behind the check-in API, the scanner, self check-in and the
organiser's manual check-in.

A scan costs one read and one write. The read is SQLAlchemy Core, not ORM entities: the
pass with the plain values its answer shows (person, position, OPD, the delegate's head),
and for the API the event by its slug in the same statement, every pass of a batch at once.
The write is one guarded ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``: the
database decides ``ok`` or ``duplicate`` (a pass has one ``ok`` per day or session: the
guard reads the scope's ``ok`` and the unique ``CheckIn.ok_key`` settles a race) and a
re-sent scan (unique ``CheckIn.nonce``) inserts nothing and is answered from the stored row.

As neither unique key can make a scan's insert fail, a batch is one transaction and one
commit. Should a scan fail anyway (a registration deleted under it), the batch is rolled
back and stored again a scan per transaction, so one bad scan loses none of the others.
On SQLite the driver begins the transaction at the first INSERT (no read lock to upgrade,
so no "database is locked"); the reads before it run outside, and the guard in the insert
does not depend on them.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import String, bindparam, exists, false, or_, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from agenda.models import Event
from agenda.models import Session as AgendaSession
from agenda.services import to_utc
from app.extensions import db
from app.formatting import long_date, time_range
from app.opds.models import Opd
from app.timeutil import rfc3339, to_zone, utcnow
from attendance.models import (
    CLOCK_TOLERANCE,
    LATE_UPLOAD_AFTER,
    CheckIn,
    scope_key,
)
from participants import passes
from participants.documents.badges import date_span
from participants.models import OpdHead, Person, Registration, position_line

MAX_BATCH = 200
# Registrations that are not expected: a cancelled one's pass no longer admits anyone.
REFUSED_STATUSES = ("cancelled",)

# When a scan counts (README, "At the door"); one rule for the door and the lists, so that
# whatever answers ``ok`` is on a list. At the door: the event's days, and from 15.00 on the
# eve (a retreat's registration desk opens when the participants arrive the afternoon before;
# such a scan counts on the first day). Nothing counts after the last day, nor at a closed
# event (its lists are final). A session scan counts from two hours before its start (people
# come in during the break before) to half an hour after its end, on the session's day.
EVE_OPENS = time(15, 0)
SESSION_OPENS_BEFORE = timedelta(hours=2)
SESSION_CLOSES_AFTER = timedelta(minutes=30)


class ScanError(ValueError):
    """A batch the server cannot judge at all (the message is shown to the operator)."""


@dataclass
class Scan:
    code: str
    nonce: str
    session_id: int | None = None
    scanned_at: datetime | None = None  # naive UTC
    registration_id: int | None = None  # a manual check-in picks the person, not the pass


def pass_hash(token: str) -> str:
    """What the offline roster carries instead of the pass token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def opd_of(registration: Registration):
    """The OPD a registration counts for: a delegate counts for the head's OPD."""
    head = registration.delegate_of
    if head is not None and head.person.opd is not None:
        return head.person.opd
    return registration.person.opd


@dataclass(frozen=True)
class Shown:
    """A registration as a scan answers it, as plain values (they outlive each commit)."""

    id: int
    event_id: int
    status: str
    group: str
    role: str
    name: str
    position: str
    institution: str
    opd: tuple[str, str] | None  # (code, name) of the OPD it counts for (``opd_of``)
    delegate_of: str | None  # the head's name, for a delegate

    @classmethod
    def of(cls, registration: Registration) -> "Shown":
        """From a loaded registration (the roster)."""
        person, opd, head = registration.person, opd_of(registration), registration.delegate_of
        return cls(
            registration.id,
            registration.event_id,
            registration.status,
            registration.group,
            registration.role,
            person.name,
            person.position_line,
            person.institution,
            (opd.code, opd.name) if opd is not None else None,
            head.person.name if head is not None else None,
        )

    @classmethod
    def from_row(cls, row) -> "Shown":
        """From a row of ``_PASS_COLUMNS``."""
        position = row.position
        if row.heads:  # a head's position line names the office: one more read, for heads only
            headships = db.session.scalars(
                select(OpdHead).where(OpdHead.person_id == row.person_id).order_by(OpdHead.opd_id)
            ).all()
            position = position_line(row.position, headships)
        if row.head_opd_id is not None:
            opd = (row.head_opd_code, row.head_opd_name)
        elif row.opd_id is not None:
            opd = (row.opd_code, row.opd_name)
        else:
            opd = None
        return cls(
            row.id,
            row.event_id,
            row.status,
            row.group,
            row.role,
            row.name,
            position,
            row.institution,
            opd,
            row.head_name,
        )


def registration_dict(shown: Shown) -> dict:
    """A registration as the scanner shows it (API contract: id, name, position, role, opd)."""
    return {
        "id": shown.id,
        "name": shown.name,
        "position": shown.position,
        "role": shown.role,
        "group": shown.group,
        "opd": {"code": shown.opd[0], "name": shown.opd[1]} if shown.opd else None,
        "institution": shown.institution if shown.opd is None else "",
        "delegate_of": shown.delegate_of,
    }


def _checked_at(scanned_at: datetime | None, received_at: datetime) -> datetime:
    """The device's time when believable (an offline scan keeps the moment it was taken)."""
    if scanned_at is None or abs(received_at - scanned_at) > CLOCK_TOLERANCE:
        return received_at
    return min(scanned_at, received_at)


@dataclass(frozen=True)
class EventRow:
    """The event values a batch of scans needs (``Place.of`` takes it like an ``Event``)."""

    id: int
    slug: str
    status: str
    timezone: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Place:
    """Where scans are taken, as plain values (they outlive each scan's commit), with the
    window in which a scan there counts (naive UTC, ``opens_at`` ≤ t < ``closes_at``)."""

    event_id: int
    timezone: str
    opens_at: datetime
    closes_at: datetime
    first_day: date  # the earliest day a scan here counts on (the eve counts on it)
    closed: bool = False
    session_id: int | None = None
    track: str = ""

    @classmethod
    def of(cls, event: Event, session: AgendaSession | None = None) -> "Place":
        zone, closed = event.timezone, event.status == "closed"
        if session is not None:
            return cls(
                event.id,
                zone,
                session.starts_at - SESSION_OPENS_BEFORE,
                session.ends_at + SESSION_CLOSES_AFTER,
                to_zone(session.starts_at, zone).date(),
                closed,
                session.id,
                session.track,
            )
        return cls(
            event.id,
            zone,
            to_utc(datetime.combine(event.start_date - timedelta(days=1), EVE_OPENS), zone),
            to_utc(datetime.combine(event.end_date + timedelta(days=1), time()), zone),
            event.start_date,
            closed,
        )

    def day_of(self, checked_at: datetime) -> date | None:
        """The day a scan counted at ``checked_at`` is on (its list, its one ``ok``), or None
        when it counts on no day: outside the event or the session, or the event is closed."""
        if self.closed or not self.opens_at <= checked_at < self.closes_at:
            return None
        if self.session_id is not None:
            return self.first_day  # past midnight, a session still counts on its own day
        return max(to_zone(checked_at, self.timezone).date(), self.first_day)

    def window(self) -> dict:
        """The rule for a device that judges scans offline (the roster)."""
        return {
            "opens_at": rfc3339(self.opens_at),
            "closes_at": rfc3339(self.closes_at),
            "first_day": self.first_day.isoformat(),
            "closed": self.closed,
        }


def outside_message(event: Event, session: AgendaSession | None = None) -> str:
    """What the operator (or the participant) is told when a scan is ``outside_event``."""
    if event.status == "closed":
        return _("Acara ini sudah ditutup.")
    if session is not None:
        return _(
            "Sesi ini berlangsung %(day)s, %(time)s.",
            day=long_date(session.starts_at, event.timezone),
            time=time_range(session.starts_at, session.ends_at, event.timezone),
        )
    return _("Acara ini berlangsung %(dates)s.", dates=date_span(event.start_date, event.end_date))


def scannable_events() -> list[Event]:
    """Events a scanner may open: published or closed (late offline uploads), newest first."""
    return db.session.scalars(
        select(Event).where(Event.status != "draft").order_by(Event.start_date.desc())
    ).all()


# --- the read: a pass with what its answer shows, in one statement ---

# Tables, not ORM entities: the rows come back as plain rows (no ORM loading step).
_registration, _person, _opd = Registration.__table__, Person.__table__, Opd.__table__
_head = _registration.alias("head")
_head_person = _person.alias("head_person")
_head_opd = _opd.alias("head_opd")
_PASS_COLUMNS = (
    _registration.c.id,
    _registration.c.event_id,
    _registration.c.status,
    _registration.c.group,
    _registration.c.role,
    _registration.c.pass_token,
    _person.c.id.label("person_id"),
    _person.c.name,
    _person.c.position,
    _person.c.institution,
    exists().where(OpdHead.__table__.c.person_id == _person.c.id).label("heads"),
    _opd.c.id.label("opd_id"),
    _opd.c.code.label("opd_code"),
    _opd.c.name.label("opd_name"),
    _head_person.c.name.label("head_name"),
    _head_opd.c.id.label("head_opd_id"),
    _head_opd.c.code.label("head_opd_code"),
    _head_opd.c.name.label("head_opd_name"),
)


def _with_people(query):
    """Outer joins from a registration to its person, OPD and the delegate's head (all
    outer, so that an event with none of the batch's passes still comes back)."""
    return (
        query.outerjoin(_person, _person.c.id == _registration.c.person_id)
        .outerjoin(_opd, _opd.c.id == _person.c.opd_id)
        .outerjoin(_head, _head.c.id == _registration.c.delegate_of_id)
        .outerjoin(_head_person, _head_person.c.id == _head.c.person_id)
        .outerjoin(_head_opd, _head_opd.c.id == _head_person.c.opd_id)
    )


_event = Event.__table__
_EVENT_COLUMNS = (
    _event.c.id.label("ev_id"),
    _event.c.slug.label("ev_slug"),
    _event.c.status.label("ev_status"),
    _event.c.timezone.label("ev_timezone"),
    _event.c.start_date.label("ev_start_date"),
    _event.c.end_date.label("ev_end_date"),
)


@cache
def _pass_read(with_event: bool, by_code: bool, by_id: bool):
    """The read of a batch's registrations, built once per shape: a statement built once
    keeps its cache key, which SQLAlchemy would otherwise compute on every request (most of
    the cost of a read this wide). Parameters: ``codes``, ``ids`` (lists), ``slug``."""
    conditions = []
    if by_code:
        conditions.append(_registration.c.pass_token.in_(bindparam("codes", expanding=True)))
    if by_id:
        conditions.append(_registration.c.id.in_(bindparam("ids", expanding=True)))
    wanted = or_(*conditions) if conditions else false()
    if not with_event:
        return _with_people(select(*_PASS_COLUMNS).select_from(_registration)).where(wanted)
    query = select(*_EVENT_COLUMNS, *_PASS_COLUMNS).select_from(_event)
    query = _with_people(query.outerjoin(_registration, wanted))
    return query.where(_event.c.slug == bindparam("slug"))


def _wanted(scans: list[Scan]) -> dict:
    """The registrations a batch names: by pass (the door) or by id (a manual check-in)."""
    codes = {s.code.strip() for s in scans if s.registration_id is None}
    return {
        "codes": sorted(c for c in codes if c and len(c) <= 64),
        "ids": sorted({s.registration_id for s in scans if s.registration_id is not None}),
    }


@dataclass
class Found:
    """The registrations a batch names, by pass token and by id."""

    by_code: dict[str, Shown]
    by_id: dict[int, Shown]

    @classmethod
    def of(cls, rows) -> "Found":
        found = cls({}, {})
        for row in rows:
            if row.id is not None:
                shown = Shown.from_row(row)
                found.by_code[row.pass_token] = found.by_id[row.id] = shown
        return found

    def get(self, scan: Scan) -> Shown | None:
        if scan.registration_id is not None:
            return self.by_id.get(scan.registration_id)
        return self.by_code.get(scan.code.strip())


def read_batch(slug: str, scans: list[Scan]) -> tuple[EventRow | None, Found]:
    """The event at ``slug`` and the registrations its scans name: one statement (the
    event left-joined to the passes), whichever event the passes are of."""
    wanted = _wanted(scans)
    query = _pass_read(True, bool(wanted["codes"]), bool(wanted["ids"]))
    rows = db.session.execute(query, {**wanted, "slug": slug}).all()
    if not rows:
        return None, Found({}, {})
    first = rows[0]
    event = EventRow(
        first.ev_id,
        first.ev_slug,
        first.ev_status,
        first.ev_timezone,
        first.ev_start_date,
        first.ev_end_date,
    )
    return event, Found.of(rows)


def _read_registrations(scans: list[Scan]) -> Found:
    wanted = _wanted(scans)
    if not wanted["codes"] and not wanted["ids"]:
        return Found({}, {})
    query = _pass_read(False, bool(wanted["codes"]), bool(wanted["ids"]))
    return Found.of(db.session.execute(query, wanted))


def _revoked(code: str) -> Shown | None | bool:
    """Whose replaced pass ``code`` was (a Shown, or None if no one's any more), or False
    when it was never a pass."""
    revoked = passes.replaced(code, "pass")
    if revoked is None:
        return False
    if revoked.registration_id is None:
        return None
    return _read_registrations([Scan("", "", registration_id=revoked.registration_id)]).by_id.get(
        revoked.registration_id
    )


def _judge(place: Place, scan: Scan, registration: Shown | None):
    """(result, registration shown) for a scan, before anything is written."""
    code = scan.code.strip()
    if registration is None:
        if scan.registration_id is not None or not code or len(code) > 64:
            return "unknown", None
        registration = _revoked(code)  # a replaced pass, or nobody's
        if registration is False:
            return "unknown", None
        if registration is None or registration.event_id != place.event_id:
            return "revoked", None
        return "revoked", registration
    if registration.event_id != place.event_id:
        return "wrong_event", None  # nothing about another event's participant
    if registration.status in REFUSED_STATUSES:
        return "revoked", registration
    if place.track and registration.group != place.track:
        return "not_in_session", registration
    return "ok", registration


# --- the write: one guarded insert decides ok or duplicate ---

_COLUMNS = (
    "event_id",
    "registration_id",
    "session_id",
    "day",
    "result",
    "method",
    "nonce",
    "ok_key",
    "raw_code",
    "scanned_at",
    "received_at",
    "checked_at",
    "late_upload",
    "operator_id",
    "device",
)
# The scope's ok (read by the guard and, for a duplicate, returned as its first ok); a NULL
# ok_key (a scan that is not an ok candidate) matches nothing. ON CONFLICT DO NOTHING: a
# known nonce or a racing ok inserts no row (``WHERE true`` keeps SQLite's parser from
# reading ON CONFLICT as a join's ON).
_INSERT = (
    text(
        "INSERT INTO checkin (event_id, registration_id, session_id, day, result, method, nonce,"
        " ok_key, raw_code, scanned_at, received_at, checked_at, late_upload, operator_id, device)"
        " SELECT :event_id, :registration_id, :session_id, :day,"
        " CASE WHEN f.at IS NULL THEN :result ELSE 'duplicate' END, :method, :nonce,"
        " CASE WHEN f.at IS NULL THEN :ok_key END, :raw_code, :scanned_at, :received_at,"
        " :checked_at, :late_upload, :operator_id, :device"
        " FROM (SELECT (SELECT checked_at FROM checkin WHERE ok_key = :ok_key) AS at) AS f"
        " WHERE true"
        " ON CONFLICT DO NOTHING"
        " RETURNING result, (SELECT o.checked_at FROM checkin o WHERE o.ok_key = :ok_key)"
    )
    # Typed as the columns: SQLite stores dates as SQLAlchemy writes them elsewhere, and
    # PostgreSQL knows a NULL's type in the SELECT list.
    .bindparams(*(bindparam(name, type_=CheckIn.__table__.c[name].type) for name in _COLUMNS))
    .columns(result=String, first_at=CheckIn.__table__.c.checked_at.type)
)


def _insert(values: dict):
    """(result, first ok's time) as stored, or None if a unique key refused the scan."""
    return db.session.execute(_INSERT, values).first()


def _stored_answer(nonce: str, known: Shown | None = None) -> dict | None:
    """The answer already given to ``nonce`` (a re-sent scan), or None; ``known``: the
    registration the scan was read with (not read again when it is the stored one's)."""
    stored = db.session.execute(
        select(
            CheckIn.result,
            CheckIn.registration_id,
            CheckIn.event_id,
            CheckIn.checked_at,
            CheckIn.day,
            CheckIn.session_id,
        ).where(CheckIn.nonce == nonce)
    ).first()
    if stored is None:
        return None
    registration = None
    if stored.registration_id and stored.result != "wrong_event":
        scan = Scan("", nonce, registration_id=stored.registration_id)
        registration = (
            known
            if known is not None and known.id == stored.registration_id
            else _read_registrations([scan]).get(scan)
        )
        if registration is not None and registration.event_id != stored.event_id:
            registration = None
    first = stored.checked_at if stored.result == "ok" else None
    if stored.result == "duplicate" and registration is not None:
        key = f"{stored.registration_id}:{scope_key(stored.day, stored.session_id)}"
        first = db.session.scalar(select(CheckIn.checked_at).where(CheckIn.ok_key == key))
    return {
        "nonce": nonce,
        "result": stored.result,
        "registration": registration_dict(registration) if registration is not None else None,
        "first_checked_at": rfc3339(first),
    }


def _record(
    place: Place,
    scan: Scan,
    registration: Shown | None,
    *,
    method: str,
    operator_id: int | None,
    device: str,
    checked_at: datetime | None,
) -> dict:
    """Judge and store one scan (no commit); the API answer for it."""
    received_at = utcnow()
    checked_at = checked_at or _checked_at(scan.scanned_at, received_at)
    counted_day = place.day_of(checked_at)
    day = counted_day or to_zone(checked_at, place.timezone).date()
    scope = scope_key(day, place.session_id)
    result, registration = _judge(place, scan, registration)
    if result == "ok" and counted_day is None:
        result = "outside_event"  # a valid pass, but no list would count it
    values = {
        "event_id": place.event_id,
        "registration_id": registration.id if registration is not None else None,
        "session_id": place.session_id,
        "day": day,
        "result": result,
        "method": method,
        "nonce": scan.nonce,
        "ok_key": f"{registration.id}:{scope}" if result == "ok" else None,
        # A failed scan keeps what was read, unless it is a pass it knows (a live credential).
        "raw_code": "" if result in ("ok", "outside_event") else scan.code[:200],
        "scanned_at": scan.scanned_at,
        "received_at": received_at,
        "checked_at": checked_at,
        "late_upload": scan.scanned_at is not None
        and received_at - scan.scanned_at > LATE_UPLOAD_AFTER,
        "operator_id": operator_id,
        "device": device[:64],
    }
    stored = _insert(values)
    if stored is None:
        replay = _stored_answer(scan.nonce, registration)
        if replay is not None:
            return replay  # the same scan again: same answer, nothing new
        # Another device's ok came in between the guard's read and the insert: the guard
        # now sees it, and this scan is stored as a duplicate.
        stored = _insert(values)
        if stored is None:  # the same nonce raced with itself on two connections
            return _stored_answer(scan.nonce, registration)
    result, first_at = stored
    return {
        "nonce": scan.nonce,
        "result": result,
        "registration": registration_dict(registration) if registration is not None else None,
        "first_checked_at": rfc3339(
            checked_at if result == "ok" else first_at if result == "duplicate" else None
        ),
    }


def record_scan(
    place: Place,
    scan: Scan,
    *,
    method: str = "scan",
    operator_id: int | None = None,
    device: str = "",
    checked_at: datetime | None = None,
) -> dict:
    """Judge and store one scan; commits. Returns the API answer for it. ``checked_at`` is
    for an organiser recording afterwards when someone came (a manual check-in)."""
    found = _read_registrations([scan])
    answer = _record(
        place,
        scan,
        found.get(scan),
        method=method,
        operator_id=operator_id,
        device=device,
        checked_at=checked_at,
    )
    db.session.commit()
    return answer


def event_sessions(event: Event, ids) -> dict[int, AgendaSession]:
    """The sessions of ``event`` named in a batch; a session of another event is an error."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    found = {
        s.id: s
        for s in db.session.scalars(
            select(AgendaSession).where(
                AgendaSession.id.in_(wanted), AgendaSession.event_id == event.id
            )
        )
    }
    if wanted - found.keys():
        raise ScanError("unknown_session")
    return found


def record_batch(
    event, scans: list[Scan], *, operator=None, device: str = "", found: Found | None = None
) -> list:
    """Judge and store a batch in one transaction (``found``: its registrations, when read
    with the event by ``read_batch``). If a scan fails, the batch is stored again a scan per
    transaction: the others are kept, and the failure is raised after them. So is a batch
    that PostgreSQL chose as a deadlock's victim (two devices uploading offline batches
    with the same passes in another order each wait for the other's ok); a transaction of
    one scan holds one ok at a time and cannot be part of such a cycle."""
    sessions = event_sessions(event, [scan.session_id for scan in scans])
    places = {None: Place.of(event)} | {i: Place.of(event, s) for i, s in sessions.items()}
    operator_id = operator.id if operator is not None else None
    found = found if found is not None else _read_registrations(scans)

    def record(scan):
        return _record(
            places[scan.session_id],
            scan,
            found.get(scan),
            method="manual" if scan.registration_id is not None else "scan",
            operator_id=operator_id,
            device=device,
            checked_at=None,
        )

    try:
        answers = [record(scan) for scan in scans]
        db.session.commit()
        return answers
    except (IntegrityError, OperationalError):
        db.session.rollback()
    answers, failure = [], None
    for scan in scans:
        try:
            answers.append(record(scan))
            db.session.commit()
        except IntegrityError as error:
            db.session.rollback()
            failure = failure or error
    if failure is not None:
        raise failure
    return answers


def new_nonce() -> str:
    """A nonce for check-ins made on the server (self and manual check-in)."""
    return secrets.token_hex(16)
