"""The door and the lists in one model, for stateful tests of attendance (Hypothesis).

``Door`` builds a small world — a one-day meeting and a three-day retreat with sessions (one
for a group, one past midnight on the last day), four registrations each (one cancelled), two
scanning devices, a phone per participant — and acts on it at chosen instants (the clock is
moved with time-machine; everything else is the real app over HTTP): operator scans, manual
picks, offline uploads, self check-ins, closing an event. Each action checks the app's answer
against the model's own statement of the rule; ``check`` asserts that what answered ``ok`` is
exactly what the attendance API, the dashboard and the daftar hadir count, per day and session.

``DoorRules`` are the rules as a Hypothesis machine; a larger machine (followup, evaluation)
inherits them and builds ``self.door`` in its ``__init__`` (tests/test_city_invariants.py).
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import time_machine
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from agenda import services as agenda_services
from agenda.models import Event
from agenda.models import Session as AgendaSession
from agenda.services import to_utc
from app.auth import services as user_services
from app.extensions import db, limiter
from app.timeutil import rfc3339, to_zone
from attendance.checkins import EVE_OPENS, SESSION_CLOSES_AFTER, SESSION_OPENS_BEFORE
from attendance.models import CLOCK_TOLERANCE, CheckIn
from attendance.self_checkin import services as selfcheckin
from tests.attendance.fixtures import (
    attendance_api_present,
    attendance_api_rows,
    checked_in,
    daftar_hadir_present,
    dashboard_present,
    nonce,
)

DEVICES = ("pintu-1", "pintu-2")
# Where the world is built and first read; events are placed around it.
BUILT_AT = datetime(2026, 11, 20, 3, 0)  # naive UTC: 10.00 WIB


def travel(at: datetime):
    """The app's clock stopped at ``at`` (naive UTC, as Sinergi stores instants)."""
    return time_machine.travel(at.replace(tzinfo=UTC), tick=False)


class Reader:
    """A client that reads as an organiser with a bearer token (no cookie: the clock moves,
    and a session cookie from the future is not believed)."""

    def __init__(self, client, token):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self.headers, **kwargs)


@dataclass(eq=False)
class Place:
    """One event of the world as the model sees it."""

    event: Event
    sessions: list[AgendaSession]
    registrations: list  # Registration rows; the last one is cancelled
    closed: bool = False
    # Who answered ok, and when it counted: scope ("d", day) / ("s", session id) → {id: at}.
    oks: dict = field(default_factory=dict)

    @property
    def zone(self) -> str:
        return self.event.timezone

    def local(self, at: datetime) -> datetime:
        return to_zone(at, self.zone).replace(tzinfo=None)


class Door:
    def __init__(self, app, places, devices_token, reader):
        self.app, self.places = app, places
        self.devices_token, self.reader = devices_token, reader
        self.phones: dict = {}  # registration id → a phone that opened their personal link
        self.steps = 0
        self.touched: list = []  # (place, day, session) of the steps not yet checked

    @classmethod
    def build(cls, app, make_event, make_session, make_registration, make_person, make_user):
        """A fresh world (all tables emptied first: one per Hypothesis example)."""
        with travel(BUILT_AT):
            db.session.rollback()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            limiter.reset()
            meeting = make_event(start=date(2026, 12, 3), title="Rapat Koordinasi")
            meeting_sessions = [
                make_session(meeting, "09:00", "11:00", takes_attendance=True, title="Arahan")
            ]
            retreat = make_event(start=date(2026, 12, 27), end=date(2026, 12, 29), title="Retret")
            retreat_sessions = [
                make_session(retreat, "08:00", "09:00", takes_attendance=True, title="Pembukaan"),
                make_session(
                    retreat,
                    "09:00",
                    "10:00",
                    day=date(2026, 12, 28),
                    takes_attendance=True,
                    track="Kelompok A",
                    title="Diskusi kelompok A",
                ),
                make_session(
                    retreat,
                    "22:00",
                    "01:00",
                    day=date(2026, 12, 29),
                    takes_attendance=True,
                    title="Malam penutupan",
                ),
            ]
            places = []
            for event, sessions in ((meeting, meeting_sessions), (retreat, retreat_sessions)):
                registrations = [
                    make_registration(
                        event,
                        make_person(f"Peserta {event.slug} {n}"),
                        status=status,
                        group=group,
                    )
                    for n, (status, group) in enumerate(
                        [
                            ("confirmed", "Kelompok A"),
                            ("confirmed", ""),
                            ("invited", "Kelompok B"),
                            ("cancelled", ""),
                        ]
                    )
                ]
                places.append(Place(event, sessions, registrations))
            # One organiser scans (two devices) and reads (one password hash per example).
            token = user_services.issue_token(make_user("organiser"))
            db.session.commit()
        return cls(app, places, token, Reader(app.test_client(), token))

    # --- the rule, stated again for the model (attendance/checkins.py, README "At the door") ---

    def counted_day(self, place: Place, session, at: datetime) -> date | None:
        """The day a scan counted at ``at`` (naive UTC) is on, or None (outside the event)."""
        if place.closed:
            return None
        if session is not None:
            if (
                session.starts_at - SESSION_OPENS_BEFORE
                <= at
                < session.ends_at + SESSION_CLOSES_AFTER
            ):
                return place.local(session.starts_at).date()
            return None
        local = place.local(at)
        event = place.event
        if event.start_date <= local.date() <= event.end_date:
            return local.date()
        eve = datetime.combine(event.start_date - timedelta(days=1), EVE_OPENS)
        return (
            event.start_date if eve <= local < datetime.combine(event.start_date, time()) else None
        )

    def expected(self, place: Place, registration, session, at: datetime) -> str:
        if registration.status == "cancelled":
            return "revoked"
        if session is not None and session.track and registration.group != session.track:
            return "not_in_session"
        day = self.counted_day(place, session, at)
        if day is None:
            return "outside_event"
        return "duplicate" if registration.id in place.oks.get(_scope(session, day), {}) else "ok"

    def _counted(self, place, session, registration, at) -> None:
        scope = _scope(session, self.counted_day(place, session, at))
        place.oks.setdefault(scope, {})[registration.id] = at

    # --- actions ---

    def scan(
        self, place: Place, registration, session, at, delay=timedelta(0), device=0, by_name=False
    ):
        """A scan taken at ``at`` (naive UTC) and received ``delay`` later (offline upload);
        the device says when it was taken. Returns the API answer."""
        self.steps += 1
        received = at + delay
        counted_at = received if delay > CLOCK_TOLERANCE else at  # a clock not believed
        expected = self.expected(place, registration, session, counted_at)
        first = place.oks.get(_scope(session, self.counted_day(place, session, counted_at)), {})
        item = {"nonce": nonce(), "session_id": session.id if session else None}
        item["scanned_at"] = rfc3339(at)
        if by_name:
            item["registration_id"] = registration.id
        else:
            item["code"] = registration.pass_token
        with travel(received):
            response = self.reader.client.post(
                f"/api/v1/events/{place.event.slug}/checkins",
                json={"scans": [item]},
                headers={
                    "Authorization": f"Bearer {self.devices_token}",
                    "X-Sinergi-Device": DEVICES[device],
                },
            )
        assert response.status_code == 200, response.get_data(as_text=True)
        [answer] = response.get_json()["results"]
        assert answer["result"] == expected, (answer, expected, at, received)
        note(f"scan: {expected}")
        self._touch(place, session, counted_at)
        if expected == "ok":
            self._counted(place, session, registration, counted_at)
            assert answer["first_checked_at"] == rfc3339(counted_at)
        elif expected == "duplicate":
            assert answer["first_checked_at"] == rfc3339(first[registration.id])
        return answer

    def self_check_in(self, place: Place, registration, session, at) -> str:
        """The participant scans the session's projector code with their phone at ``at``."""
        self.steps += 1
        # Self check-in asks "now?" first (selfcheckin.check_code), before whose pass it is.
        if self.counted_day(place, session, at) is None:
            expected = "outside_event"
        else:
            expected = self.expected(place, registration, session, at)
        with travel(at):
            phone = self.phones.get(registration.id)
            if phone is None:  # the participant opens their personal link on their phone
                phone = self.phones[registration.id] = self.app.test_client()
                assert phone.get(f"/p/{registration.link_token}/").status_code == 200
            window = selfcheckin.current_window()
            url = f"/hadir/{session.id}/{window}/{selfcheckin.session_code(session, window)}"
            page = phone.get(url).get_data(as_text=True)
            self._touch(place, session, at)
            if expected == "outside_event":  # refused before anything is stored
                assert 'id="self-checkin-error"' in page, page
                assert "berlangsung" in page or "ditutup" in page
                assert "Catat kehadiran saya" not in page
                note("self check-in: outside_event")
                return expected
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            answer = phone.post(url, data={"csrf_token": token}).get_data(as_text=True)
        result = re.search(r'data-result="([a-z_]+)"', answer).group(1)
        assert result == expected, (result, expected, at)
        note(f"self check-in: {expected}")
        if expected == "ok":
            self._counted(place, session, registration, at)
        return result

    def close(self, place: Place) -> None:
        self.steps += 1
        with travel(BUILT_AT):
            agenda_services.set_status(db.session.get(Event, place.event.id), "closed")
            db.session.commit()
        place.closed = True
        self.touched.append((place, place.event.start_date, None))

    # --- the invariant ---

    def _touch(self, place: Place, session, at: datetime) -> None:
        """Remember the day (and session) a step at ``at`` is about, to be checked after it."""
        day = self.counted_day(place, session, at) or place.local(at).date()
        touched = (place, day, session)
        in_event = place.event.start_date <= day <= place.event.end_date
        if (in_event or session is not None) and touched not in self.touched:
            self.touched.append(touched)

    def check_touched(self) -> None:
        """After a step: the day and session it touched agree everywhere, and no event has
        an ``ok`` the model does not know of (so none is counted somewhere else)."""
        for place, day, session in self.touched:
            with travel(BUILT_AT):
                self.check_scope(place, day, session)
        self.touched = []
        with travel(BUILT_AT):
            for place in self.places:
                stored = db.session.scalar(
                    select(func.count())
                    .select_from(CheckIn)
                    .where(CheckIn.event_id == place.event.id, CheckIn.result == "ok")
                )
                assert stored == sum(len(oks) for oks in place.oks.values()), place.event.slug

    def check(self, place: Place) -> None:
        """Every day and every session of ``place``'s event agree everywhere."""
        with travel(BUILT_AT):
            for day in place.event.days:
                self.check_scope(place, day, None)
            for session in place.sessions:
                self.check_scope(place, None, session)

    def check_scope(self, place: Place, day, session) -> None:
        """What answered ok == the attendance API == the dashboard == the daftar hadir, at the
        door of ``day`` (all of that day's check-ins) and in ``session``."""
        event, reader = place.event, self.reader
        if session is not None:
            inside = set(place.oks.get(("s", session.id), {}))
            assert attendance_api_present(reader, event, session=session) == inside
            assert daftar_hadir_present(reader, event, session=session) == inside
            day = place.local(session.starts_at).date()
        if not event.start_date <= day <= event.end_date:
            return
        at_door = set(place.oks.get(("d", day), {}))
        of_day = [s for s in place.sessions if place.local(s.starts_at).date() == day]
        for other in of_day:  # a session's check-in shows at the door of its day
            at_door |= set(place.oks.get(("s", other.id), {}))
        rows = attendance_api_rows(reader, event, day=day)
        present = {r["registration_id"] for r in rows if r["status"] in ("hadir", "terlambat")}
        assert present == at_door, day
        everyone = {rid for oks in place.oks.values() for rid in oks}
        assert checked_in(rows) == everyone  # checked_in_at: the first ok at the event
        assert daftar_hadir_present(reader, event, day=day) == at_door, day
        shown = dashboard_present(reader, event, day)
        assert shown == {"door": len(at_door)} | {
            s.id: len(place.oks.get(("s", s.id), {})) for s in of_day
        }, day


def _scope(session, day):
    return ("s", session.id) if session is not None else ("d", day)


# --- instants worth trying around an event ----------------------------------------------------


def moments(place: Place, session=None):
    """Instants (naive UTC) around ``place``'s event, mostly around ``session`` (or the days at
    the door): the edges of the rule, three weeks before, any minute of the window and
    around it, any minute from three days before to two days after."""
    event, zone, minute = place.event, place.zone, timedelta(minutes=1)

    def wall(day, hour, minute=0):
        return to_utc(datetime.combine(day, time(hour, minute)), zone)

    def any_minute(start, end):
        return st.integers(0, int((end - start) / minute) - 1).map(lambda n: start + n * minute)

    first, last = event.start_date, event.end_date
    edges = [
        wall(first - timedelta(days=21), 10),
        wall(first - timedelta(days=1), 14, 59),
        wall(first - timedelta(days=1), 15),
        wall(first, 0),
        wall(last, 23, 59),
        wall(last + timedelta(days=1), 0, 3),
    ]
    if session is not None:
        opens = session.starts_at - SESSION_OPENS_BEFORE
        closes = session.ends_at + SESSION_CLOSES_AFTER
        edges += [opens - minute, opens, session.starts_at + 5 * minute, closes - minute, closes]
        likely = any_minute(opens - 30 * minute, closes + 30 * minute)
    else:
        likely = any_minute(wall(first - timedelta(days=1), 12), wall(last + timedelta(days=1), 3))
    return st.one_of(
        st.sampled_from(edges),
        likely,
        likely,
        likely,
        any_minute(wall(first - timedelta(days=3), 0), wall(last + timedelta(days=2), 0)),
    )


# Which registration of the event: the cancelled one (3) now and then.
WHO = st.sampled_from([0, 0, 1, 1, 2, 2, 3])


class DoorRules(RuleBasedStateMachine):
    """Rules over ``self.door`` (built by the subclass); what a step touched is checked after
    it, everything at the end."""

    door: Door

    @rule(
        data=st.data(),
        event=st.integers(0, 1),
        who=WHO,
        scope=st.integers(-1, 2),
        delay=st.sampled_from([0, 0, 0, 40, 60 * 20, 60 * 30]),  # minutes: online or uploaded later
        device=st.integers(0, 1),
        by_name=st.booleans(),
    )
    def scan(self, data, event, who, scope, delay, device, by_name):
        place = self.door.places[event]
        session = place.sessions[scope] if 0 <= scope < len(place.sessions) else None
        at = data.draw(moments(place, session), label="at")
        self.door.scan(
            place,
            place.registrations[who],
            session,
            at,
            timedelta(minutes=delay),
            device,
            by_name,
        )

    @rule(data=st.data(), event=st.integers(0, 1), who=WHO, scope=st.integers(-1, 2))
    def scan_on_both_devices(self, data, event, who, scope):
        """The same pass at two doors in the same minute: one ok at most."""
        place = self.door.places[event]
        session = place.sessions[scope] if 0 <= scope < len(place.sessions) else None
        at = data.draw(moments(place, session), label="at")
        registration = place.registrations[who]
        for device in (0, 1):
            self.door.scan(place, registration, session, at, device=device)

    @rule(data=st.data(), event=st.integers(0, 1), who=st.integers(0, 2), scope=st.integers(0, 2))
    def self_check_in(self, data, event, who, scope):
        place = self.door.places[event]
        session = place.sessions[scope % len(place.sessions)]
        at = data.draw(moments(place, session), label="at")
        self.door.self_check_in(place, place.registrations[who], session, at)

    # Closing comes late (after it every scan of that event is refused: little left to see).
    @precondition(lambda self: self.door.steps >= 8 and not all(p.closed for p in self.door.places))
    @rule(event=st.integers(0, 1))
    def close(self, event):
        self.door.close(self.door.places[event])

    @invariant()
    def door_and_lists_agree(self):
        self.door.check_touched()

    def teardown(self):
        for place in self.door.places:
            self.door.check(place)
