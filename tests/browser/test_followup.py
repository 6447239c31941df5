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


def test_supporting_opds_are_picked_in_the_type_ahead_that_takes_several(
    live_server, browser, make_user, make_item, make_event, city
):
    item = make_item(city["dpupr"], supporting=[city["bappeda"]], title="Matriks keselarasan")
    event = item.event
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, make_user("organiser"), f"/tindak-lanjut/{item.id}/edit")

    assert page.locator("select[multiple]").count() == 0
    chips = page.locator(".opd-chips li")
    expect(chips).to_have_text(["BAPPEDA — Badan Perencanaan Pembangunan Daerah"])
    box = page.get_by_label("OPD pendukung")  # the label names the box one types in
    box.fill("dinkes")
    box.press("Enter")
    expect(chips).to_have_count(2)
    page.get_by_role("button", name="Hapus BAPPEDA").click()
    expect(chips).to_have_text(["DINKES — Dinas Kesehatan"])
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Tindak lanjut disimpan.")).to_be_visible()
    db.session.expire_all()
    assert [o.code for o in db.session.get(ActionItem, item.id).supporting_opds] == ["DINKES"]

    # The quick entry ("Catat keputusan") takes them the same way.
    page.goto(f"{live_server}/events/{event.slug}/tindak-lanjut")
    page.get_by_label("Tindak lanjut", exact=True).fill("Data stunting satu pintu")
    page.get_by_label("OPD penanggung jawab").fill("DINKES — Dinas Kesehatan")
    box = page.get_by_label("OPD pendukung")
    box.fill("DPUPR — Dinas Pekerjaan Umum dan Penataan Ruang")  # picked from the list
    box.fill("bappeda")
    box.press("Enter")
    expect(page.locator(".opd-chips li")).to_have_count(2)
    page.get_by_role("button", name="Simpan dan catat berikutnya").click()
    expect(page.get_by_text("Tindak lanjut dicatat: Data stunting satu pintu")).to_be_visible()
    db.session.expire_all()
    new = db.session.scalar(select(ActionItem).where(ActionItem.title.like("Data stunting%")))
    assert sorted(o.code for o in new.supporting_opds) == ["BAPPEDA", "DPUPR"]
    context.close()


CHART = """() => {
  const chart = window.Chart.getChart(document.querySelector("canvas[data-chart]"));
  return {
    labels: chart.data.labels,
    sets: chart.data.datasets.map((d) => ({ label: d.label, axis: d.yAxisID || "y", data: d.data })),
    scales: Object.fromEntries(Object.entries(chart.scales).map(([id, s]) => [id, { min: s.min, max: s.max }])),
    spanGaps: !!chart.options.spanGaps,
  };
}"""


def test_counts_have_a_count_axis_and_years_do_not_join(
    live_server, browser, make_user, make_item, city
):
    """Issue 27: overdue counts were drawn on the 0–100 % axis; the OPD profile joined 2025
    TW4 to 2026 TW1 as one line although realisation restarts each year."""
    from datetime import date

    from evaluation.models import BudgetRealisation

    for title in ("A", "B", "C"):
        make_item(city["dpupr"], title=title, due_on=date(2026, 1, 5))
    db.session.add_all(
        BudgetRealisation(
            year=year,
            quarter=quarter,
            opd_id=city["dpupr"].id,
            pagu=1000,
            realisasi_keuangan=spent,
            realisasi_fisik=50,
        )
        for year, quarter, spent in ((2025, 3, 700), (2025, 4, 946), (2026, 1, 113))
    )
    db.session.commit()
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, make_user("organiser"), "/tindak-lanjut/dasbor")
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    drawn = page.evaluate(CHART)
    completion, overdue = drawn["sets"]
    assert overdue["label"] == "Lewat batas waktu" and overdue["data"] == [3]
    assert overdue["axis"] != completion["axis"]
    assert drawn["scales"][completion["axis"]]["max"] == 100
    assert drawn["scales"][overdue["axis"]]["max"] < 10  # counts, not 0–100

    page.goto(f"{live_server}/evaluasi/opd/{city['dpupr'].id}")
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    drawn = page.evaluate(CHART)
    assert drawn["labels"] == ["2025 TW3", "2025 TW4", "", "2026 TW1"]
    assert drawn["sets"][0]["data"] == [70, 94.6, None, 11.3]  # a gap between the years
    assert not drawn["spanGaps"]
    context.close()
