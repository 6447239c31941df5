"""Scans outside the event (issue 23, point 5): the door answers ``outside_event`` exactly when
the lists would count nobody, so that whatever answers ``ok`` is on a list.

The clock is moved with time-machine (the only thing these tests fake): a pass scanned three
weeks early, at 00.03 the day after, on the eve, must be judged by the time it was scanned."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.auth import services as user_services
from app.extensions import db
from app.timeutil import rfc3339
from attendance.models import CheckIn
from attendance.self_checkin import services as selfcheckin
from tests.attendance.fixtures import (
    attendance_api_present,
    daftar_hadir_present,
    dashboard_present,
    nonce,
    wib,
)


@pytest.fixture
def device(make_user):
    """A scanner authenticated by bearer token (no session cookie: the clock moves)."""
    user = make_user("operator")
    token = user_services.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _scan(client, event, headers, code=None, session=None, at=None, registration=None):
    scan = {"nonce": nonce(), "session_id": session.id if session else None}
    if registration is not None:
        scan["registration_id"] = registration.id
    else:
        scan["code"] = code
    if at is not None:
        scan["scanned_at"] = rfc3339(at)
    response = client.post(
        f"/api/v1/events/{event.slug}/checkins", json={"scans": [scan]}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"][0]


def _stored(registration):
    db.session.expire_all()
    return db.session.scalars(
        select(CheckIn).where(CheckIn.registration_id == registration.id).order_by(CheckIn.id)
    ).all()


def _refused_and_kept(answer, registration):
    """An ``outside_event`` answer names the pass's holder and is kept as a failed scan."""
    assert answer["result"] == "outside_event"
    assert answer["registration"]["id"] == registration.id
    assert answer["first_checked_at"] is None
    [row] = _stored(registration)
    assert row.result == "outside_event" and row.ok_key is None
    assert row.raw_code == ""  # a live pass is not copied into the log


@pytest.fixture
def retreat(make_event, make_session):
    """Retret 27–29 December 2026, with a session on the second day 09.00–10.00 WIB."""
    event = make_event(
        "retret-2026", title="Retret Kepala OPD", start=date(2026, 12, 27), end=date(2026, 12, 29)
    )
    session = make_session(
        event, "09:00", "10:00", day=date(2026, 12, 28), takes_attendance=True, title="Arahan"
    )
    return event, session


def test_a_pass_scanned_three_weeks_before_the_retreat_is_outside_the_event(
    client, time_machine, retreat, device, make_registration, login_as
):
    event, _session = retreat
    registration = make_registration(event, status="confirmed")
    time_machine.move_to(wib(2026, 12, 6, 10, 0), tick=False)

    answer = _scan(client, event, device, registration.pass_token)

    _refused_and_kept(answer, registration)
    organiser = login_as("organiser")
    assert attendance_api_present(organiser, event, day=event.start_date) == set()
    assert dashboard_present(organiser, event, event.start_date) == {"door": 0}
    # The roster tells the device the same rule, and what to say.
    roster = login_as("operator").get(f"/api/v1/events/{event.slug}/roster").get_json()
    assert roster["window"]["message"] == "Acara ini berlangsung 27–29 Desember 2026."
    assert roster["window"]["opens_at"] == "2026-12-26T08:00:00Z"  # 15.00 WIB on the eve
    assert roster["window"]["closes_at"] == "2026-12-29T17:00:00Z"  # midnight after the last day
    assert roster["event"]["start_date"] == "2026-12-27"


def test_a_pass_scanned_at_a_closed_meeting_held_last_month_is_outside_the_event(
    client, time_machine, make_event, device, make_registration, login_as
):
    time_machine.move_to(wib(2026, 12, 6, 10, 0), tick=False)
    meeting = make_event(start=date(2026, 11, 10), status="closed")
    registration = make_registration(meeting, status="confirmed")

    answer = _scan(client, meeting, device, registration.pass_token)

    _refused_and_kept(answer, registration)
    # Even an offline scan taken during the meeting, uploaded after it was closed: its lists
    # are final (the scan stays in the log).
    late = make_registration(meeting, status="confirmed")
    time_machine.move_to(wib(2026, 11, 11, 7, 0), tick=False)
    taken = wib(2026, 11, 10, 8, 30)
    _refused_and_kept(_scan(client, meeting, device, late.pass_token, at=taken), late)
    roster = login_as("operator").get(f"/api/v1/events/{meeting.slug}/roster").get_json()
    assert roster["window"]["closed"] is True
    assert roster["window"]["message"] == "Acara ini sudah ditutup."


def test_a_pass_scanned_at_0003_the_day_after_a_one_day_meeting_is_outside_the_event(
    client, time_machine, make_event, device, make_registration, login_as
):
    meeting = make_event(start=date(2026, 12, 3))
    on_time = make_registration(meeting, status="confirmed")
    after = make_registration(meeting, status="confirmed")

    time_machine.move_to(wib(2026, 12, 3, 23, 59), tick=False)
    assert _scan(client, meeting, device, on_time.pass_token)["result"] == "ok"
    time_machine.move_to(wib(2026, 12, 4, 0, 3), tick=False)
    _refused_and_kept(_scan(client, meeting, device, after.pass_token), after)
    # The same pass scanned offline at 00.03 and uploaded in the morning: the same answer.
    time_machine.move_to(wib(2026, 12, 4, 9, 0), tick=False)
    again = _scan(client, meeting, device, on_time.pass_token, at=wib(2026, 12, 4, 0, 3))
    assert again["result"] == "outside_event"

    organiser = login_as("organiser")
    assert attendance_api_present(organiser, meeting, day=meeting.start_date) == {on_time.id}
    assert daftar_hadir_present(organiser, meeting, day=meeting.start_date) == {on_time.id}
    # The day after is no day of the meeting: no list, no ok.
    assert organiser.get(f"/events/{meeting.slug}/attendance?day=2026-12-04").status_code == 404


def test_the_eve_counts_on_the_first_day_so_door_and_list_agree(
    client, time_machine, retreat, device, make_registration, login_as
):
    event, _session = retreat
    early, too_early = (make_registration(event, status="confirmed") for _ in range(2))

    time_machine.move_to(wib(2026, 12, 26, 14, 59), tick=False)
    _refused_and_kept(_scan(client, event, device, too_early.pass_token), too_early)
    time_machine.move_to(wib(2026, 12, 26, 16, 10), tick=False)
    first = _scan(client, event, device, early.pass_token)
    assert first["result"] == "ok"
    [row] = _stored(early)
    assert row.day == date(2026, 12, 27)

    # The next morning the same pass is already in, from the evening before.
    time_machine.move_to(wib(2026, 12, 27, 7, 45), tick=False)
    again = _scan(client, event, device, early.pass_token)
    assert again["result"] == "duplicate"
    assert again["first_checked_at"] == first["first_checked_at"] == "2026-12-26T09:10:00Z"

    organiser = login_as("organiser")
    first_day = event.start_date
    assert attendance_api_present(organiser, event, day=first_day) == {early.id}
    assert dashboard_present(organiser, event, first_day)["door"] == 1
    assert daftar_hadir_present(organiser, event, day=first_day) == {early.id}


def test_a_session_counts_around_its_own_time_and_on_its_own_day(
    client, time_machine, retreat, device, make_registration, make_session, login_as
):
    event, session = retreat  # 28 December, 09.00–10.00 WIB
    people = [make_registration(event, status="confirmed") for _ in range(4)]

    time_machine.move_to(wib(2026, 12, 28, 6, 59), tick=False)  # before 07.00: too early
    _refused_and_kept(_scan(client, event, device, people[0].pass_token, session), people[0])
    time_machine.move_to(wib(2026, 12, 28, 7, 0), tick=False)
    assert _scan(client, event, device, people[1].pass_token, session)["result"] == "ok"
    time_machine.move_to(wib(2026, 12, 28, 10, 29), tick=False)
    assert _scan(client, event, device, people[2].pass_token, session)["result"] == "ok"
    time_machine.move_to(wib(2026, 12, 28, 10, 31), tick=False)  # half an hour after: over
    _refused_and_kept(_scan(client, event, device, people[3].pass_token, session), people[3])

    # A session that runs past midnight counts on the day it starts.
    night = make_session(event, "22:00", "01:00", day=date(2026, 12, 28), takes_attendance=True)
    time_machine.move_to(wib(2026, 12, 29, 0, 30), tick=False)
    assert _scan(client, event, device, people[0].pass_token, night)["result"] == "ok"
    assert _stored(people[0])[-1].day == date(2026, 12, 28)

    organiser = login_as("organiser")
    day = date(2026, 12, 28)
    assert attendance_api_present(organiser, event, session=session) == {
        people[1].id,
        people[2].id,
    }
    assert daftar_hadir_present(organiser, event, session=session) == {people[1].id, people[2].id}
    assert attendance_api_present(organiser, event, session=night) == {people[0].id}
    # The dashboard of that day: two in the session, three came (the night session's too).
    assert dashboard_present(organiser, event, day) == {"door": 3, session.id: 2, night.id: 1}


def test_a_manual_pick_and_a_resent_scan_get_the_same_answer(
    client, time_machine, retreat, device, make_registration
):
    event, _session = retreat
    registration = make_registration(event, status="confirmed")
    time_machine.move_to(wib(2026, 12, 6, 10, 0), tick=False)

    picked = _scan(client, event, device, registration=registration)
    _refused_and_kept(picked, registration)
    # The device sends the same scan again (no answer reached it): the same answer, no new row.
    resent = client.post(
        f"/api/v1/events/{event.slug}/checkins",
        json={"scans": [{"nonce": picked["nonce"], "registration_id": registration.id}]},
        headers=device,
    ).get_json()["results"][0]
    assert resent == picked
    assert len(_stored(registration)) == 1


def test_an_outside_scan_costs_no_more_statements_than_an_ok(
    client, time_machine, retreat, device, make_registration, count_queries
):
    event, _session = retreat
    people = [make_registration(event, status="confirmed") for _ in range(4)]
    assert event.slug  # loaded here, not counted below

    def cost(at, registration):
        time_machine.move_to(at, tick=False)
        with count_queries() as counter:
            _scan(client, event, device, registration.pass_token)
        return counter.count

    ok = cost(wib(2026, 12, 27, 8, 0), people[0])
    outside = cost(wib(2026, 12, 30, 8, 0), people[1])
    assert outside <= ok


def test_the_organiser_cannot_tick_a_closed_meetings_list(
    make_event, make_registration, login_as, time_machine
):
    time_machine.move_to(wib(2026, 12, 6, 10, 0), tick=False)
    meeting = make_event(start=date(2026, 11, 10), status="closed")
    registration = make_registration(meeting, status="confirmed")
    organiser = login_as("organiser")

    response = organiser.submit(
        f"/events/{meeting.slug}/attendance/checkin",
        {"registration_id": registration.id, "day": "2026-11-10"},
        follow_redirects=True,
    )

    assert "Di luar waktu acara: Acara ini sudah ditutup." in response.get_data(as_text=True)
    assert [c.result for c in _stored(registration)] == ["outside_event"]


def test_the_organiser_corrects_a_session_later_the_same_day_from_its_start(
    make_event, make_session, make_registration, login_as, time_machine
):
    meeting = make_event(start=date(2026, 12, 3))
    session = make_session(meeting, "09:00", "10:00", takes_attendance=True)
    registration = make_registration(meeting, status="confirmed")
    time_machine.move_to(wib(2026, 12, 3, 15, 0), tick=False)  # the session ended at 10.00
    organiser = login_as("organiser")

    organiser.submit(
        f"/events/{meeting.slug}/attendance/checkin",
        {"registration_id": registration.id, "day": "2026-12-03", "session_id": session.id},
    )

    [checkin] = _stored(registration)
    assert checkin.result == "ok" and checkin.checked_at == session.starts_at
    assert attendance_api_present(organiser, meeting, session=session) == {registration.id}


def test_english_operators_read_the_rule_in_english(
    retreat, make_user, app, login_as, time_machine
):
    event, session = retreat
    operator = login_as("operator")
    operator.user.locale = "en"
    db.session.commit()
    roster = operator.get(f"/api/v1/events/{event.slug}/roster").get_json()
    assert roster["window"]["message"] == "This event runs 27–29 December 2026."
    assert roster["sessions"][str(session.id)]["message"].startswith(
        "This session takes place Monday, 28 December 2026"
    )
    page = operator.get(f"/events/{event.slug}/scan/").get_data(as_text=True)
    assert "Outside the event" in page  # the result's label for the scanner


# --- self check-in ------------------------------------------------------------------------------


def _phone_of(app, registration):
    phone = app.test_client()
    assert phone.get(f"/p/{registration.link_token}/").status_code == 200
    return phone


def _code_url(session):
    window = selfcheckin.current_window()
    return f"/hadir/{session.id}/{window}/{selfcheckin.session_code(session, window)}"


def test_self_check_in_three_weeks_before_the_session_is_refused_and_stores_nothing(
    app, time_machine, retreat, make_registration, login_as
):
    event, session = retreat
    registration = make_registration(event, status="confirmed")
    time_machine.move_to(wib(2026, 12, 7, 9, 15), tick=False)
    phone = _phone_of(app, registration)
    url = _code_url(session)

    page = phone.get(url).get_data(as_text=True)
    message = "Sesi ini berlangsung Senin, 28 Desember 2026, 09.00–10.00 WIB."
    assert message in page and "Catat kehadiran saya" not in page
    response = phone.post(url, data={"csrf_token": phone.csrf_token()})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _stored(registration) == []
    # The projector says so too, instead of showing a code that checks nobody in.
    projector = login_as("organiser").get(f"/events/{event.slug}/sessions/{session.id}/projector")
    assert "Presensi mandiri belum dibuka. " + message in projector.get_data(as_text=True)


def test_self_check_in_during_the_session_counts_and_after_the_close_is_refused(
    app, time_machine, retreat, make_registration, make_event, make_session
):
    event, session = retreat
    registration = make_registration(event, status="confirmed")
    time_machine.move_to(wib(2026, 12, 28, 9, 5), tick=False)
    phone = _phone_of(app, registration)
    page = phone.get(_code_url(session)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = phone.post(_code_url(session), data={"csrf_token": token})
    assert "kehadiran Anda tercatat" in response.get_data(as_text=True)
    assert [c.result for c in _stored(registration)] == ["ok"]

    event.status = "closed"
    db.session.commit()
    other = make_registration(event, status="confirmed")
    html = _phone_of(app, other).get(_code_url(session)).get_data(as_text=True)
    assert "Acara ini sudah ditutup." in html and "Catat kehadiran saya" not in html
    assert _stored(other) == []
