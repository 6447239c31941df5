"""Follow-up in real Chromium: an OPD reports from a phone with evidence; the organiser
verifies; the dashboard chart draws under the CSP."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from followup.models import ActionItem, ProgressUpdate
from tests.browser.helpers import log_in
from tests.files import pdf

PDF = pdf()


def test_an_opd_reports_from_a_phone_and_the_organiser_verifies(
    live_server, browser, tmp_path, make_user, make_item, city
):
    item = make_item(city["dpupr"], title="Percepat belanja modal 75%")
    staff = make_user("opd", opd=city["dpupr"])
    organiser = make_user("organiser")
    evidence = tmp_path / "berita-acara.pdf"
    evidence.write_bytes(PDF)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, staff, "/tindak-lanjut/")
    page.get_by_role("link", name="Percepat belanja modal 75%").click()
    page.get_by_label("Progres (%)").fill("45")
    page.get_by_label("Uraian tindak lanjut").fill("Lelang 12 paket selesai")
    page.get_by_label("Bukti dukung (PDF, JPG, PNG, XLSX, DOCX)").set_input_files(str(evidence))
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_text("Laporan progres terkirim")).to_be_visible()
    expect(page.get_by_role("link", name="berita-acara.pdf")).to_be_visible()
    # Until verified: the verified progress, and the report waiting beside it.
    expect(page.get_by_text("menunggu verifikasi · 45%")).to_be_visible()
    phone.close()

    desk = browser.new_context(locale="id-ID")
    page = desk.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, organiser, f"/tindak-lanjut/{item.id}")
    page.get_by_label("Terima", exact=True).check()
    # The form starts from what the OPD proposed, never from "belum ditindaklanjuti".
    expect(page.get_by_label("Status bila diterima")).to_have_value("dalam_proses")
    page.get_by_role("button", name="Simpan verifikasi").click()
    expect(page.get_by_text("Laporan 45% diterima")).to_be_visible()
    bar = page.locator(".progress-bar")
    assert bar.evaluate("el => el.style.width") == "45%"

    page.goto(f"{live_server}/tindak-lanjut/dasbor")
    canvas = page.locator("canvas[data-chart]")
    expect(canvas).to_be_visible()
    # Chart.js drew something: the canvas is no longer blank.
    assert page.evaluate(
        "() => { const c = document.querySelector('canvas[data-chart]');"
        " return !!window.Chart && !!window.Chart.getChart(c); }"
    )
    desk.close()

    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).progress == 45
    assert db.session.scalar(select(ProgressUpdate.review)) == "accepted"
