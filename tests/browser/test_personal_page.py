"""A participant opens their personal link on a phone in real Chromium, confirms attendance,
sees their QR pass (decoded from a screenshot with zbarimg), and still has it offline."""

import shutil
import subprocess
from datetime import date

import pytest
from playwright.sync_api import expect

from agenda import versions
from app.extensions import db
from participants.models import Registration

ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"  # Debian zbar-tools


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_participant_confirms_on_a_phone_and_gets_a_scannable_pass_that_works_offline(
    live_server, phone, tmp_path, make_event, make_room, make_session, make_person, make_opd
):
    event = make_event(
        "retret-2025",
        title="Retret Kepemimpinan ASN 2025",
        start=date(2025, 8, 4),
        end=date(2025, 8, 5),
        venue="Akademi Militer Magelang",
    )
    hall = make_room(event, "Aula Utama")
    make_session(event, "09:00", "10:30", title="Manajemen ASN dan sistem merit", room=hall)
    make_session(event, "13:00", "15:00", title="Diskusi kelompok: kepala OPD", track="Kelompok A")
    make_session(
        event, "13:00", "15:00", title="Diskusi kelompok: camat dan lurah", track="Kelompok B"
    )
    versions.publish(event)
    person = make_person(
        "dr. Aditya Prasetyo, M.Kes.",
        level="jpt_pratama",
        opd=make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes"),
        position="Kepala Dinas Kesehatan",
    )
    registration = Registration(event_id=event.id, person_id=person.id, group="Kelompok A")
    db.session.add(registration)
    db.session.commit()
    token, pass_token = registration.link_token, registration.pass_token

    page = phone
    page.goto(f"{live_server}/p/{token}/")
    expect(page.get_by_role("heading", name="Retret Kepemimpinan ASN 2025")).to_be_visible()
    expect(page.get_by_text("Diskusi kelompok: kepala OPD")).to_be_visible()
    expect(page.get_by_text("Diskusi kelompok: camat dan lurah")).to_have_count(0)
    expect(page.get_by_role("link", name="Tambahkan ke kalender")).to_have_attribute(
        "href", f"{live_server.replace('http://', 'webcal://')}/p/{token}/agenda.ics"
    )
    expect(page.locator("#pass")).to_have_count(0)
    # The service worker takes control of this personal link (scope /p/<token>/).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r && r.scope)") == (
        f"{live_server}/p/{token}/"
    )

    page.get_by_label("Hadir", exact=True).check()
    page.get_by_role("button", name="Kirim jawaban").click()

    expect(page.get_by_text("Terima kasih, jawaban Anda sudah kami terima.")).to_be_visible()
    expect(page.locator("#status")).to_have_text("Akan hadir")
    pass_card = page.locator("#pass")
    expect(pass_card.get_by_role("heading", name="Pass masuk")).to_be_visible()
    expect(pass_card.get_by_text("dr. Aditya Prasetyo, M.Kes.")).to_be_visible()
    expect(pass_card.get_by_text("Peserta · Kelompok A")).to_be_visible()
    expect(page.locator("#save-hint")).to_contain_text("Tambahkan ke layar utama")
    qr = page.locator(".pass-qr")
    box = qr.bounding_box()
    assert box["width"] >= 250  # large enough to scan from the phone's screen

    shot = tmp_path / "pass.png"
    qr.screenshot(path=str(shot))
    decoded = subprocess.run(  # noqa: S603 (our own screenshot, fixed program)
        [ZBARIMG, "--raw", "--quiet", str(shot)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == pass_token
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # No network at the venue: the page, with the pass, still opens.
    page.context.set_offline(True)
    page.reload()
    expect(pass_card.get_by_role("heading", name="Pass masuk")).to_be_visible()
    shot_offline = tmp_path / "pass-offline.png"
    page.locator(".pass-qr").screenshot(path=str(shot_offline))
    decoded = subprocess.run(  # noqa: S603
        [ZBARIMG, "--raw", "--quiet", str(shot_offline)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert decoded == pass_token
    page.context.set_offline(False)
