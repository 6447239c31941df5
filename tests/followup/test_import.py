"""Action items from a spreadsheet: the template imports back, and a bad row changes nothing."""

import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.tabular import csv_bytes, xlsx_bytes
from followup.models import ActionItem

HIDDEN = re.compile(r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"')


def _upload(client, slug, filename, content):
    """The upload's POST, then (when it leads there) the preview page."""
    response = client.submit(
        f"/events/{slug}/tindak-lanjut/import",
        {"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    if response.status_code == 302 and "/import/preview?token=" in response.location:
        return client.get(response.location)
    return response


def _confirm(client, slug, preview):
    fields = dict(HIDDEN.findall(preview.get_data(as_text=True)))
    return client.post(f"/events/{slug}/tindak-lanjut/import/confirm", data=fields)


def test_the_template_imports_back(make_event, city, make_opd, login_as):
    make_opd("BAG-ORG", name="Bagian Organisasi", kind="bagian")
    make_opd("BKD", name="Badan Keuangan Daerah", kind="badan")
    event = make_event("sm-iii")
    organiser = login_as("organiser")
    template = organiser.get("/events/sm-iii/tindak-lanjut/templat.xlsx")
    sheet = load_workbook(io.BytesIO(template.data)).active
    assert sheet["C2"].is_date  # the example's batas_waktu is a date cell, not ISO text
    rows = list(sheet.iter_rows(values_only=True))
    extra = ("Percepat lelang paket jalan", "dpupr", "15/12/2026", "tugas", "", "", "")
    preview = _upload(
        organiser,
        "sm-iii",
        "tindak-lanjut.xlsx",
        xlsx_bytes("tl", list(rows[0]), [*rows[1:], extra]),
    )
    page = preview.get_data(as_text=True)
    assert "Percepat lelang paket jalan" in page and "15 Des 2026" in page
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0
    response = _confirm(organiser, "sm-iii", preview)
    assert response.status_code == 302 and response.location.endswith(
        "/events/sm-iii/tindak-lanjut"
    )
    items = db.session.scalars(
        select(ActionItem).where(ActionItem.event_id == event.id).order_by(ActionItem.id)
    ).all()
    assert [i.title for i in items] == [rows[1][0], "Percepat lelang paket jalan"]
    assert [o.code for o in items[0].supporting_opds] == ["BAPPEDA", "BKD"]
    assert items[0].kind == "komitmen" and items[1].due_on.isoformat() == "2026-12-15"


def test_a_bad_row_is_named_and_nothing_is_imported(make_event, city, login_as):
    make_event("sm-iii")
    organiser = login_as("organiser")
    header = ["judul", "opd_penanggung_jawab", "batas_waktu", "jenis", "opd_pendukung"]
    content = csv_bytes(
        header,
        [
            ["Baik", "DPUPR", "2026-12-31", "tugas", ""],
            ["Kode salah", "DINAS-X", "2026-12-31", "tugas", ""],
            ["Tanggal salah", "DINKES", "besok", "arahan", "BAPPEDA, ZZZ"],
        ],
    )
    response = _upload(organiser, "sm-iii", "tl.csv", content)
    html = response.get_data(as_text=True)
    assert "/tindak-lanjut/import/confirm" not in html  # no button to go ahead
    assert "DINAS-X tidak dikenal" in html and "besok bukan tanggal" in html
    assert "jenis arahan tidak dikenal" in html and "ZZZ tidak dikenal" in html
    assert "tidak ada data yang diubah" in html
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0
    wrong_type = _upload(organiser, "sm-iii", "tl.xlsx", b"%PDF-1.4 not a sheet")
    assert (
        wrong_type.status_code == 422
        and db.session.scalar(select(func.count()).select_from(ActionItem)) == 0
    )
    assert (
        login_as("opd", opd=city["dpupr"])
        .get("/events/sm-iii/tindak-lanjut/templat.xlsx")
        .status_code
        == 403
    )
