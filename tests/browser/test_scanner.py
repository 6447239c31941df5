"""The check-in scanner and self check-in in real Chromium with a fake camera fed real QR codes."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from agenda.models import Event
from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance.models import CheckIn
from attendance.self_checkin import services as selfcheckin
from participants import passes
from participants.documents.badges import date_span
from participants.models import Registration
from tests.browser.camera import qr_video
from tests.browser.helpers import log_in


@pytest.fixture
def today_event(make_event, make_opd):
    return make_event("rakor-hari-ini", title="Rakor Hari Ini", start=to_zone(utcnow()).date())


def _oks(event):
    db.session.expire_all()
    return db.session.scalars(
        select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.result == "ok")
    ).all()


def _wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_the_camera_reads_a_badge_and_the_door_says_hadir(
    live_server,
    camera_browser,
    tmp_path,
    today_event,
    make_user,
    make_registration,
    make_person,
    make_opd,
):
    person = make_person(
        "Drs. Agus Santoso, M.Si.", opd=make_opd("DISPORA", name="Dinas Pemuda dan Olahraga")
    )
    registration = make_registration(today_event, person, status="confirmed")
    operator = make_user("operator")
    video = qr_video(tmp_path / "badge.y4m", [registration.pass_token], seconds_each=1)

    browser = camera_browser(video)
    page = browser.new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    page.set_default_timeout(15_000)
    log_in(page, live_server, operator, f"/events/{today_event.slug}/scan/")

    result = page.locator("#scan-result")
    expect(result).to_be_visible()
    expect(result).to_have_class("scan-result scan-ok")
    expect(page.locator("#scan-result-title")).to_have_text("Hadir")
    expect(page.locator("#scan-result-name")).to_have_text("Drs. Agus Santoso, M.Si.")
    expect(page.locator("#scan-result-detail")).to_contain_text("Dinas Pemuda dan Olahraga")
    expect(page.locator("#scan-pending")).to_have_text("semua terkirim")
    expect(page.locator("#scan-counter")).to_have_text("1 hadir dari 1 diharapkan")

    [checkin] = _oks(today_event)
    assert checkin.registration_id == registration.id and checkin.operator_id == operator.id


def test_a_pass_read_before_the_roster_arrives_shows_checking_then_the_servers_verdict(
    live_server, camera_browser, tmp_path, today_event, make_user, make_registration, make_person
):
    # A phone on a slow network: the camera reads the first badge before the roster is on the
    # device. The screen says it is checking (neither green nor red), then shows the server's
    # answer; the log line says it too.
    registration = make_registration(
        today_event, make_person("Sri Wahyuni, S.Pd."), status="confirmed"
    )
    video = qr_video(tmp_path / "early.y4m", [registration.pass_token], seconds_each=1)
    context = camera_browser(video).new_context(
        locale="id-ID", timezone_id="Asia/Jakarta", service_workers="block"
    )
    held = []
    context.route("**/api/v1/events/*/roster", lambda route: held.append(route))  # held back
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, make_user("operator"), f"/events/{today_event.slug}/scan/")

    result = page.locator("#scan-result")
    expect(result).to_have_class("scan-result scan-ok")
    expect(page.locator("#scan-result-title")).to_have_text("Hadir")
    expect(page.locator("#scan-result-name")).to_have_text("Sri Wahyuni, S.Pd.")
    expect(page.locator("#scan-log li")).to_contain_text("Sri Wahyuni, S.Pd. · Hadir")
    assert held, "the roster was still on its way when the scan was answered"
    for route in held:
        route.continue_()
    [checkin] = _oks(today_event)
    assert checkin.registration_id == registration.id


def test_offline_scans_are_kept_uploaded_once_and_corrected_by_the_server(
    live_server, camera_browser, tmp_path, today_event, make_user, make_registration
):
    people = [make_registration(today_event, status="confirmed") for _ in range(3)]
    operator = make_user("operator")
    # Blank for a while first (the page goes offline), then the three passes, then blank.
    codes = [None] * 4 + [p.pass_token for p in people]
    video = qr_video(tmp_path / "three.y4m", codes, seconds_each=1.5, blank_after=60)

    browser = camera_browser(video)
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, operator, f"/events/{today_event.slug}/scan/")
    # (wait_for_function would eval a string, which the CSP refuses)
    assert _wait_for(lambda: page.evaluate("() => !!navigator.serviceWorker.controller"))
    expect(page.locator("#scan-roster")).to_contain_text("daftar peserta")
    context.set_offline(True)
    page.reload()  # the page comes from the service worker, the roster from IndexedDB
    expect(page.locator("#scan-network")).to_have_text("offline")
    expect(page.locator("#scan-pending")).to_have_text("3 scan menunggu", timeout=30_000)
    expect(page.locator("#scan-counter")).to_have_text("3 hadir dari 3 diharapkan")
    assert _oks(today_event) == []
    # Meanwhile the organiser replaces the third pass (reported lost): the device cannot know.
    passes.reissue(db.session.get(Registration, people[2].id))
    db.session.commit()

    back_online = utcnow()
    context.set_offline(False)
    expect(page.locator("#scan-pending")).to_have_text("semua terkirim", timeout=15_000)
    # The server's different answer is shown to the operator.
    expect(page.locator("#scan-log .list-group-item-warning")).to_contain_text(
        "Server: Pass dicabut"
    )

    oks = _oks(today_event)
    assert sorted(c.registration_id for c in oks) == sorted(p.id for p in people[:2])
    assert (
        db.session.scalar(select(CheckIn.result).where(CheckIn.registration_id == people[2].id))
        == "revoked"
    )
    # Each counts from when it was scanned on the device, before the network came back.
    assert all(c.scanned_at is not None and c.checked_at <= back_online for c in oks)
    assert len(db.session.scalars(select(CheckIn)).all()) == 3  # no duplicate rows either


def test_a_participant_scans_the_projector_code_with_a_phone_and_is_present(
    live_server, camera_browser, tmp_path, today_event, make_session, make_registration
):
    session = make_session(today_event, "00:00", "23:59", takes_attendance=True, title="Arahan")
    registration = make_registration(today_event, status="confirmed")
    window = selfcheckin.current_window()
    url = f"{live_server}/hadir/{session.id}/{window}/{selfcheckin.session_code(session, window)}"
    video = qr_video(tmp_path / "projector.y4m", [url], seconds_each=1)

    browser = camera_browser(video)
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    phone.goto(f"{live_server}/p/{registration.link_token}/")
    phone.get_by_role("button", name="Pindai kode presensi di layar").click()
    phone.wait_for_url("**/hadir/**")
    phone.get_by_role("button", name="Catat kehadiran saya").click()
    expect(phone.locator("#self-checkin-result")).to_contain_text("kehadiran Anda tercatat")

    [checkin] = _oks(today_event)
    assert checkin.registration_id == registration.id
    assert checkin.session_id == session.id and checkin.method == "self"


# --- outside the event (issue 23): the device and the server answer alike --------------------


@pytest.fixture
def retreat_in_three_weeks(make_event):
    start = to_zone(utcnow()).date() + timedelta(days=21)
    return make_event("retret-nanti", title="Retret", start=start, end=start + timedelta(days=2))


def _results(event):
    db.session.expire_all()
    return [
        c.result for c in db.session.scalars(select(CheckIn).where(CheckIn.event_id == event.id))
    ]


def test_a_pass_scanned_weeks_before_the_event_is_refused_with_its_dates(
    live_server, camera_browser, tmp_path, retreat_in_three_weeks, make_user, make_registration
):
    event = retreat_in_three_weeks
    registration = make_registration(event, status="confirmed")
    video = qr_video(tmp_path / "early.y4m", [None] * 3 + [registration.pass_token], 1, 60)
    dates = f"Acara ini berlangsung {date_span(event.start_date, event.end_date)}."

    page = camera_browser(video).new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    page.set_default_timeout(15_000)
    log_in(page, live_server, make_user("operator"), f"/events/{event.slug}/scan/")

    # Before any scan the operator is told that the door is not open today.
    expect(page.locator("#scan-window")).to_have_text(dates)
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-refused")
    expect(page.locator("#scan-result-title")).to_have_text("Di luar waktu acara")
    expect(page.locator("#scan-result-detail")).to_have_text(dates)
    expect(page.locator("#scan-pending")).to_have_text("semua terkirim")
    expect(page.locator("#scan-log .list-group-item-warning")).to_have_count(0)  # server agrees
    assert _results(event) == ["outside_event"]


def test_offline_the_device_refuses_a_pass_outside_the_event_as_the_server_does(
    live_server, camera_browser, tmp_path, retreat_in_three_weeks, make_user, make_registration
):
    event = retreat_in_three_weeks
    registration = make_registration(event, status="confirmed")
    codes = [None] * 4 + [registration.pass_token]
    video = qr_video(tmp_path / "offline-early.y4m", codes, seconds_each=1.5, blank_after=60)

    context = camera_browser(video).new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, make_user("operator"), f"/events/{event.slug}/scan/")
    assert _wait_for(lambda: page.evaluate("() => !!navigator.serviceWorker.controller"))
    expect(page.locator("#scan-roster")).to_contain_text("daftar peserta")
    context.set_offline(True)
    page.reload()  # from the service worker; the roster (and its rule) from IndexedDB
    expect(page.locator("#scan-network")).to_have_text("offline")

    expect(page.locator("#scan-pending")).to_have_text("1 scan menunggu", timeout=30_000)
    expect(page.locator("#scan-result-title")).to_have_text("Di luar waktu acara")
    expect(page.locator("#scan-result-detail")).to_contain_text("Acara ini berlangsung")
    expect(page.locator("#scan-counter")).to_have_text("0 hadir dari 1 diharapkan")
    assert _results(event) == []

    context.set_offline(False)
    expect(page.locator("#scan-pending")).to_have_text("semua terkirim", timeout=15_000)
    expect(page.locator("#scan-log li")).to_have_attribute("data-server", "outside_event")
    expect(page.locator("#scan-log .list-group-item-warning")).to_have_count(0)
    assert _results(event) == ["outside_event"]


def test_a_meeting_closed_while_the_scanner_is_open_is_refused_by_the_server(
    live_server, camera_browser, tmp_path, today_event, make_user, make_registration
):
    registration = make_registration(today_event, status="confirmed")
    video = qr_video(tmp_path / "closed.y4m", [None] * 8 + [registration.pass_token], 1, 60)

    page = camera_browser(video).new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    page.set_default_timeout(15_000)
    log_in(page, live_server, make_user("operator"), f"/events/{today_event.slug}/scan/")
    expect(page.locator("#scan-roster")).to_contain_text("daftar peserta")
    # The organiser closes the meeting; the device's roster still says it is open.
    db.session.get(Event, today_event.id).status = "closed"
    db.session.commit()

    # The device said "Hadir"; the server's answer replaces it, with why.
    expect(page.locator("#scan-log .list-group-item-warning")).to_contain_text(
        "Server: Di luar waktu acara", timeout=20_000
    )
    expect(page.locator("#scan-result-title")).to_have_text("Di luar waktu acara")
    expect(page.locator("#scan-result-detail")).to_have_text("Acara ini sudah ditutup.")
    expect(page.locator("#scan-window")).to_have_text("Acara ini sudah ditutup.")
    expect(page.locator("#scan-counter")).to_have_text("0 hadir dari 1 diharapkan")
    assert _results(today_event) == ["outside_event"]


# --- the walkthrough's rough edges (issue 27) ---------------------------------------------------

ICON_FONT = """async () => {
  try { await document.fonts.load('16px "bootstrap-icons"'); } catch (e) { /* status says */ }
  await document.fonts.ready;
  return [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "bootstrap-icons")
    .map((f) => f.status);
}"""


def test_after_an_offline_reload_the_waiting_scans_are_listed_and_the_brand_icon_shows(
    live_server, camera_browser, tmp_path, today_event, make_user, make_registration, make_person
):
    people = [
        make_registration(today_event, make_person(name), status="confirmed")
        for name in ("Ir. Budi Hartono", "Dra. Sri Wahyuni")
    ]
    codes = [None] * 4 + [p.pass_token for p in people]
    video = qr_video(tmp_path / "two.y4m", codes, seconds_each=1.5, blank_after=120)

    context = camera_browser(video).new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, make_user("operator"), f"/events/{today_event.slug}/scan/")
    assert _wait_for(lambda: page.evaluate("() => !!navigator.serviceWorker.controller"))
    expect(page.locator("#scan-roster")).to_contain_text("daftar peserta")
    context.set_offline(True)
    page.reload()
    expect(page.locator("#scan-pending")).to_have_text("2 scan menunggu", timeout=30_000)

    page.reload()  # still offline: the scans wait on the device, and the log says which
    expect(page.locator("#scan-network")).to_have_text("offline")
    expect(page.locator("#scan-pending")).to_have_text("2 scan menunggu")
    log = page.locator("#scan-log li")
    expect(log).to_have_count(2)
    expect(log.nth(0)).to_contain_text("Dra. Sri Wahyuni · Hadir")  # newest first
    expect(log.nth(1)).to_contain_text("Ir. Budi Hartono · Hadir")
    # The brand mark is drawn inline; the other icons are a font (loaded after the page):
    # kept by the service worker too.
    expect(page.locator(".sinergi-brand .sinergi-logo")).to_be_visible()
    assert _wait_for(lambda: page.evaluate(ICON_FONT) == ["loaded"]), page.evaluate(ICON_FONT)
    assert _oks(today_event) == []


def test_a_pass_held_in_front_of_the_camera_counts_once(
    live_server, camera_browser, tmp_path, today_event, make_user, make_registration
):
    registration = make_registration(today_event, status="confirmed")
    # The same pass in view for 12 s (a participant who keeps holding it up).
    video = qr_video(tmp_path / "held.y4m", [registration.pass_token], 12, blank_after=60)

    page = camera_browser(video).new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    page.set_default_timeout(15_000)
    log_in(page, live_server, make_user("operator"), f"/events/{today_event.slug}/scan/")
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-ok")
    started = time.monotonic()
    expect(page.locator("#scan-pending")).to_have_text("semua terkirim")
    time.sleep(max(0, 12 - (time.monotonic() - started)))

    expect(page.locator("#scan-log li")).to_have_count(1)
    expect(page.locator("#scan-log li")).to_contain_text("Hadir")
    assert len(_results(today_event)) == 1  # one scan, not "Hadir" then "Sudah tercatat" …


def test_a_replaced_pass_says_whose_it_was(
    live_server,
    camera_browser,
    tmp_path,
    today_event,
    make_user,
    make_registration,
    make_person,
    make_opd,
):
    opd = make_opd("DISPORA", name="Dinas Pemuda dan Olahraga")
    person = make_person(
        "Drs. Agus Santoso, M.Si.", opd=opd, position="Kepala Dinas Pemuda dan Olahraga"
    )
    registration = make_registration(today_event, person, status="confirmed")
    old = registration.pass_token
    passes.reissue(registration)  # reported lost; the old card turns up at the door
    db.session.commit()
    video = qr_video(tmp_path / "old.y4m", [None] * 3 + [old], 1, 60)

    page = camera_browser(video).new_page(locale="id-ID", timezone_id="Asia/Jakarta")
    page.set_default_timeout(15_000)
    log_in(page, live_server, make_user("operator"), f"/events/{today_event.slug}/scan/")

    expect(page.locator("#scan-result")).to_have_class("scan-result scan-refused")
    expect(page.locator("#scan-result-title")).to_have_text("Pass dicabut")
    expect(page.locator("#scan-result-name")).to_have_text("Drs. Agus Santoso, M.Si.")
    # The position names the office already: it is not said twice.
    expect(page.locator("#scan-result-detail")).to_have_text("Kepala Dinas Pemuda dan Olahraga")
    expect(page.locator("#scan-log li")).to_contain_text("Drs. Agus Santoso, M.Si. · Pass dicabut")
    expect(page.locator("#scan-log li")).not_to_contain_text(old[:16])
    expect(page.locator("#scan-pending")).to_have_text("semua terkirim")
    expect(page.locator("#scan-log .list-group-item-warning")).to_have_count(0)  # server agrees
    assert _results(today_event) == ["revoked"]
