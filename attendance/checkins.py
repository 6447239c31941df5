"""Recording scans: the rules behind the check-in API, the scanner, self check-in and the
organiser's manual check-in.

Each scan is its own short write transaction (committed here, unlike other services): a batch
of 40 offline scans must not lose 39 because one failed, and a write that starts with its
INSERT takes SQLite's lock up front instead of upgrading a read lock (no "database is locked").
The database decides races: ``CheckIn.nonce`` is unique (a re-sent scan is answered from the
stored row) and ``CheckIn.ok_key`` is unique (a pass has one ``ok`` per day or session).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from agenda.models import Event
from agenda.models import Session as AgendaSession
from agenda.services import to_utc
from app.extensions import db
from app.formatting import long_date, time_range
from app.timeutil import rfc3339, to_zone, utcnow
from attendance.models import (
    CLOCK_TOLERANCE,
    LATE_UPLOAD_AFTER,
    CheckIn,
    scope_key,
)
from participants import passes
from participants.documents.badges import date_span
from participants.models import Person, Registration

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


def registration_dict(registration: Registration) -> dict:
    """A registration as the scanner shows it (API contract: id, name, position, role, opd)."""
    person, opd = registration.person, opd_of(registration)
    head = registration.delegate_of
    return {
        "id": registration.id,
        "name": person.name,
        "position": person.position_line,
        "role": registration.role,
        "group": registration.group,
        "opd": {"code": opd.code, "name": opd.name} if opd else None,
        "institution": person.institution if opd is None else "",
        "delegate_of": head.person.name if head is not None else None,
    }


def _checked_at(scanned_at: datetime | None, received_at: datetime) -> datetime:
    """The device's time when believable (an offline scan keeps the moment it was taken)."""
    if scanned_at is None or abs(received_at - scanned_at) > CLOCK_TOLERANCE:
        return received_at
    return min(scanned_at, received_at)


def _load_registration(registration_id: int) -> Registration | None:
    return _one(_registration_query().where(Registration.id == registration_id))


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


def _registration_query():
    # Offices joined into the same statement: a scan is one read of the pass, not three.
    person = joinedload(Registration.person)
    return select(Registration).options(
        person.joinedload(Person.opd),
        person.joinedload(Person.headships),
        joinedload(Registration.delegate_of).joinedload(Registration.person).joinedload(Person.opd),
    )


def _first_ok_column(scope: str):
    """When the pass's ``ok`` for ``scope`` was taken (or NULL), read with the pass itself:
    a scan is one read and one insert."""
    key = cast(Registration.id, String) + literal(f":{scope}")
    return select(CheckIn.checked_at).where(CheckIn.ok_key == key).scalar_subquery()


def _one(query) -> Registration | None:
    return db.session.scalars(query).unique().one_or_none()


def _by_pass(code: str, scope: str) -> tuple[Registration | None, datetime | None]:
    """The registration whose pass is ``code`` with its person, OPD and offices, and the
    moment of its ``ok`` in ``scope``: one statement."""
    query = _registration_query().add_columns(_first_ok_column(scope))
    row = db.session.execute(query.where(Registration.pass_token == code)).unique().one_or_none()
    return (row[0], row[1]) if row is not None else (None, None)


_NOT_READ = object()  # the pass's first ``ok`` was not read with it


def _judge(place: Place, scan: Scan, scope: str):
    """(result, registration, first ``ok`` in ``scope``) for a scan, before anything is
    written; the first ``ok`` is _NOT_READ unless it came with the pass."""
    code = scan.code.strip()
    first_at = _NOT_READ
    if scan.registration_id is not None:
        registration = _load_registration(scan.registration_id)
        if registration is None:
            return "unknown", None, first_at
    elif not code or len(code) > 64:
        return "unknown", None, first_at
    else:
        registration, first_at = _by_pass(code, scope)
    if registration is None:
        found = passes.lookup(code, "pass")  # a replaced pass, or nobody's
        if found.state == "unknown":
            return "unknown", None, first_at
        registration = _load_registration(found.registration.id) if found.registration else None
        if registration is None or registration.event_id != place.event_id:
            return "revoked", None, first_at
        return "revoked", registration, first_at
    if registration.event_id != place.event_id:
        return "wrong_event", None, first_at  # nothing about another event's participant
    if registration.status in REFUSED_STATUSES:
        return "revoked", registration, first_at
    if place.track and registration.group != place.track:
        return "not_in_session", registration, first_at
    return "ok", registration, first_at


def answer(checkin: CheckIn, registration: Registration | None, first_at: datetime | None):
    return {
        "nonce": checkin.nonce,
        "result": checkin.result,
        "registration": registration_dict(registration) if registration is not None else None,
        "first_checked_at": rfc3339(first_at),
    }


def _stored_answer(nonce: str) -> dict | None:
    """The answer already given to ``nonce`` (a re-sent scan), or None."""
    stored = db.session.scalar(select(CheckIn).where(CheckIn.nonce == nonce))
    if stored is None:
        return None
    registration = _load_registration(stored.registration_id) if stored.registration_id else None
    if stored.result == "wrong_event" or (
        registration and registration.event_id != stored.event_id
    ):
        registration = None
    first = stored.checked_at if stored.result == "ok" else None
    if stored.result == "duplicate" and registration is not None:
        first = _first_ok_at(stored.registration_id, scope_key(stored.day, stored.session_id))
    return answer(stored, registration, first)


def _first_ok_at(registration_id: int, scope: str) -> datetime | None:
    return db.session.scalar(
        select(CheckIn.checked_at).where(CheckIn.ok_key == f"{registration_id}:{scope}")
    )


def _insert(checkin: CheckIn) -> bool:
    """Store ``checkin`` in its own transaction; False if a unique constraint refused it."""
    db.session.add(checkin)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


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
    for an organiser recording afterwards when someone came (a manual check-in).

    A pass already in for this scope is answered ``duplicate`` from a read of its ``ok``;
    two devices that both read "not yet" race to the insert, and the unique ``ok_key``
    turns the loser into a duplicate."""
    received_at = utcnow()
    checked_at = checked_at or _checked_at(scan.scanned_at, received_at)
    counted_day = place.day_of(checked_at)
    day = counted_day or to_zone(checked_at, place.timezone).date()
    scope = scope_key(day, place.session_id)
    result, registration, first_at = _judge(place, scan, scope)
    if result == "ok" and counted_day is None:
        result = "outside_event"  # a valid pass, but no list would count it
    shown = registration_dict(registration) if registration is not None else None
    if result != "ok":
        first_at = None
    elif first_at is _NOT_READ:
        first_at = _first_ok_at(registration.id, scope)
    if first_at is not None:
        result = "duplicate"
    checkin = CheckIn(
        event_id=place.event_id,
        registration_id=registration.id if registration is not None else None,
        session_id=place.session_id,
        day=day,
        result=result,
        method=method,
        nonce=scan.nonce,
        ok_key=f"{registration.id}:{scope}" if result == "ok" else None,
        # A failed scan keeps what was read, unless it is a pass it knows (a live credential).
        raw_code="" if result in ("ok", "duplicate", "outside_event") else scan.code[:200],
        scanned_at=scan.scanned_at,
        received_at=received_at,
        checked_at=checked_at,
        late_upload=scan.scanned_at is not None
        and received_at - scan.scanned_at > LATE_UPLOAD_AFTER,
        operator_id=operator_id,
        device=device[:64],
    )
    if not _insert(checkin):
        stored = _stored_answer(scan.nonce)
        if stored is not None:
            return stored  # the same scan again: same answer, nothing new
        # Another device took the ok between our read and our insert.
        first_at = _first_ok_at(checkin.registration_id, scope)
        checkin = CheckIn(
            **{key: getattr(checkin, key) for key in _COPIED},
            result="duplicate",
            ok_key=None,
            raw_code="",
        )
        if not _insert(checkin):  # the same nonce raced with itself on two connections
            return _stored_answer(scan.nonce)
        result = "duplicate"
    return {
        "nonce": scan.nonce,
        "result": result,
        "registration": shown,
        "first_checked_at": rfc3339(checked_at if result == "ok" else first_at),
    }


_COPIED = (
    "event_id",
    "registration_id",
    "session_id",
    "day",
    "method",
    "nonce",
    "scanned_at",
    "received_at",
    "checked_at",
    "late_upload",
    "operator_id",
    "device",
)


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


def record_batch(event: Event, scans: list[Scan], *, operator=None, device: str = "") -> list:
    sessions = event_sessions(event, [scan.session_id for scan in scans])
    places = {None: Place.of(event)} | {i: Place.of(event, s) for i, s in sessions.items()}
    operator_id = operator.id if operator is not None else None
    return [
        record_scan(
            places[scan.session_id],
            scan,
            method="manual" if scan.registration_id is not None else "scan",
            operator_id=operator_id,
            device=device,
        )
        for scan in scans
    ]


def new_nonce() -> str:
    """A nonce for check-ins made on the server (self and manual check-in)."""
    return secrets.token_hex(16)
