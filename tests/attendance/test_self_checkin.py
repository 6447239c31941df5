"""Self check-in by the projector's rotating code, and what the operator role can reach."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance.models import CheckIn
from attendance.self_checkin import services as selfcheckin


@pytest.fixture
def live_session(make_event, make_session):
    event = make_event(start=to_zone(utcnow()).date())
    return make_session(event, "00:00", "23:59", takes_attendance=True, title="Arahan Wali Kota")


def _phone_of(app, registration):
    """A phone on which the participant opened their personal link once."""
    phone = app.test_client()
    assert phone.get(f"/p/{registration.link_token}/").status_code == 200
    return phone


def _code_url(session, window=None):
    window = selfcheckin.current_window() if window is None else window
    return f"/hadir/{session.id}/{window}/{selfcheckin.session_code(session, window)}"


def _post(phone, url):
    page = phone.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page
    return phone.post(url, data={"csrf_token": token.group(1)})


def _oks(session):
    return db.session.scalars(
        select(CheckIn).where(CheckIn.session_id == session.id, CheckIn.result == "ok")
    ).all()


def test_the_current_and_previous_code_check_the_participant_in(
    app, live_session, make_registration
):
    registration = make_registration(live_session.event, status="confirmed")
    phone = _phone_of(app, registration)

    response = _post(phone, _code_url(live_session, selfcheckin.current_window() - 1))

    assert "kehadiran Anda tercatat" in response.get_data(as_text=True)
    [checkin] = _oks(live_session)
    assert checkin.registration_id == registration.id and checkin.method == "self"
    again = _post(phone, _code_url(live_session))
    assert "sudah tercatat sebelumnya" in again.get_data(as_text=True)
    assert len(_oks(live_session)) == 1


def test_an_older_code_or_another_sessions_code_is_refused(
    app, live_session, make_session, make_registration
):
    registration = make_registration(live_session.event, status="confirmed")
    phone = _phone_of(app, registration)
    old = selfcheckin.current_window() - 2
    html = phone.get(_code_url(live_session, old)).get_data(as_text=True)
    assert "sudah kedaluwarsa" in html and "Catat kehadiran saya" not in html

    other = make_session(live_session.event, "10:00", "11:00", takes_attendance=True)
    window = selfcheckin.current_window()
    borrowed = f"/hadir/{other.id}/{window}/{selfcheckin.session_code(live_session, window)}"
    html = phone.get(borrowed).get_data(as_text=True)
    assert "tidak berlaku untuk sesi ini" in html
    response = phone.post(borrowed, data={"csrf_token": phone.csrf_token()})
    assert response.status_code == 422
    assert _oks(live_session) == [] and _oks(other) == []


def test_a_phone_without_a_personal_link_is_refused(client, live_session):
    html = client.get(_code_url(live_session)).get_data(as_text=True)
    assert "belum dikenali" in html
    assert "Catat kehadiran saya" not in html


def test_one_phone_cannot_check_in_a_second_person(app, live_session, make_registration):
    first = make_registration(live_session.event, status="confirmed")
    friend = make_registration(live_session.event, status="confirmed")
    phone = _phone_of(app, first)
    _post(phone, _code_url(live_session))
    assert phone.get(f"/p/{friend.link_token}/").status_code == 200  # opens a friend's link

    response = _post(phone, _code_url(live_session))

    assert "sudah dipakai presensi peserta lain" in response.get_data(as_text=True)
    assert [c.registration_id for c in _oks(live_session)] == [first.id]


def test_the_projector_shows_a_code_for_organisers_only(live_session, login_as):
    url = f"/events/{live_session.event.slug}/sessions/{live_session.id}/projector"
    response = login_as("organiser").get(url)
    assert response.status_code == 200 and "<svg" in response.get_data(as_text=True)
    assert login_as("operator").get(url).status_code == 403
    code = login_as("organiser").get(url + "/code")
    assert code.headers["Cache-Control"] == "no-store"


def test_the_operator_reaches_nothing_but_check_in(
    app, live_session, make_registration, login_as, client
):
    """Every GET route of the app, filled with a real event, session and registration: the
    operator gets what an anonymous visitor gets, except the check-in pages."""
    event = live_session.event
    registration = make_registration(event, status="confirmed")
    values = {
        "slug": event.slug,
        "session_id": live_session.id,
        "registration_id": registration.id,
        "token": registration.link_token,
        "fmt": "pdf",
        "window": 0,
        "code": "x",
    }
    operator = login_as("operator")
    allowed_prefixes = ("attendance.", "attendance_api.", "core.", "auth.login", "auth.logout")
    reached = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if any(arg not in values for arg in rule.arguments):
            continue
        url = None
        for fmt in ("pdf", "xlsx", "csv", "ics"):
            try:
                args = {k: values[k] for k in rule.arguments} | {"fmt": fmt}
                url = rule.build({k: args[k] for k in rule.arguments}, append_unknown=False)[1]
                break
            except ValueError:
                continue
        status = operator.get(url).status_code
        private = status == 200 and not rule.endpoint.startswith(allowed_prefixes)
        if private and client.get(url).status_code != 200:  # public pages stay public
            reached.append(rule.endpoint)
    # The JSON API lists events and sessions for check-in devices.
    # Beyond the door: the published agenda's API and the API's own description (OpenAPI),
    # which every signed-in client may read.
    assert sorted(reached) == ["agenda_api.events", "agenda_api.sessions", "api.openapi"]
    assert operator.get(f"/events/{event.slug}/scan/").status_code == 200


def test_a_replaced_personal_link_no_longer_identifies_the_phone(
    app, live_session, make_registration
):
    from participants import passes

    registration = make_registration(live_session.event, status="confirmed")
    phone = _phone_of(app, registration)
    passes.reissue(registration, "link")
    db.session.commit()
    html = phone.get(_code_url(live_session)).get_data(as_text=True)
    assert "belum dikenali" in html and _oks(live_session) == []
