"""An import in real Chromium (app/staged_import.py): the organiser uploads a realisation file,
sees the preview with its row error and nothing saved, fixes the file, confirms, and lands on
the ranking with the figures."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.extensions import db
from app.tabular import xlsx_bytes
from evaluation.imports import IMPORT_COLUMNS
from evaluation.models import BudgetRealisation
from tests.browser.helpers import log_in


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(BudgetRealisation))


def test_the_organiser_uploads_previews_and_confirms_a_realisation_file(
    live_server, browser, tmp_path, make_user, city
):
    organiser = make_user("organiser")
    bad = tmp_path / "realisasi-salah.xlsx"
    bad.write_bytes(
        xlsx_bytes(
            "r",
            IMPORT_COLUMNS,
            [
                [2026, 3, "DPUPR", "1.250.000.000", "700.000.000", "56,6"],
                [2026, 3, "DINKES", "Infinity", "10", "5"],
            ],
        )
    )
    good = tmp_path / "realisasi.xlsx"
    good.write_bytes(
        xlsx_bytes(
            "r",
            IMPORT_COLUMNS,
            [
                [2026, 3, "DPUPR", "1.250.000.000", "700.000.000", "56,6"],
                [2026, 3, "DINKES", "500.000.000", "300.000.000", "60"],
            ],
        )
    )
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, organiser, "/evaluasi/import")

    page.get_by_label("Berkas XLSX atau CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Pratinjau").click()
    page.wait_for_url("**/evaluasi/import/preview?token=*")
    expect(page.get_by_text("pagu Infinity bukan jumlah rupiah")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan")).to_have_count(0)
    assert _count() == 0

    page.get_by_role("link", name="Unggah berkas lain").click()
    page.get_by_label("Berkas XLSX atau CSV").set_input_files(str(good))
    page.get_by_role("button", name="Pratinjau").click()
    page.wait_for_url("**/evaluasi/import/preview?token=*")
    expect(page.get_by_role("cell", name="Rp1.250.000.000")).to_be_visible()
    expect(page.get_by_role("cell", name="Dinas Kesehatan")).to_be_visible()
    assert _count() == 0  # the preview saved nothing
    page.get_by_role("button", name="Simpan 2 perubahan").click()
    page.wait_for_url("**/evaluasi/?year=2026&quarter=3")
    expect(page.get_by_text("Realisasi disimpan: 2 baru, 0 diperbarui.")).to_be_visible()
    assert _count() == 2

    # Back to the preview: it is used up, nothing can be saved twice.
    page.go_back()
    expect(page.get_by_text("Impor ini sudah disimpan")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan 2 perubahan")).to_have_count(0)
    assert _count() == 2
    context.close()
