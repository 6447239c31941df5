"""Follow-up dashboards: the OPDs ranked, one OPD's picture (its own for an OPD user), the
recap export."""

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader


def test_dashboard_ranks_opds_and_exports_the_recap(
    make_event, make_item, city, login_as, count_queries
):
    event = make_event("sm-y")
    make_item(city["dpupr"], event=event, status="sesuai", title="Selesai 1")
    make_item(city["dpupr"], event=event, status="sesuai", title='=HYPERLINK("http://x")')
    make_item(
        city["bappeda"],
        event=event,
        status="belum_sesuai",
        title="Kurang",
        due_on=date.today() - timedelta(days=3),
    )
    viewer = login_as("viewer")
    html = viewer.get("/tindak-lanjut/dasbor").get_data(as_text=True)
    assert html.index("Dinas Pekerjaan Umum") < html.index("Badan Perencanaan")  # 100% before 0%
    assert "data-chart=" in html and "100,0%" in html
    book = load_workbook(io.BytesIO(viewer.get(f"/tindak-lanjut/rekap.xlsx?event={event.id}").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("OPD penanggung jawab", "Tindak lanjut")
    # A title typed as a formula stays text: the spreadsheet never runs it.
    [cell] = [c for c in book.active["B"] if str(c.value).startswith("=HYPERLINK")]
    assert cell.data_type == "s" and cell.quotePrefix
    pdf = viewer.get(f"/tindak-lanjut/rekap.pdf?event={event.id}")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "REKAP TINDAK LANJUT" in text and "Kurang" in text
    counts = []
    for extra in (2, 20):
        for n in range(extra):
            make_item(city["dinkes"], event=event, title=f"Butir {n}")
        with count_queries() as counter:
            viewer.get("/tindak-lanjut/dasbor")
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_an_opd_sees_its_own_picture_and_no_other(make_event, make_item, city, login_as):
    make_item(city["dpupr"], event=make_event(), title="Belanja modal")
    dpupr = login_as("opd", opd=city["dpupr"])
    own = dpupr.get(f"/tindak-lanjut/dasbor/opd/{city['dpupr'].id}")
    assert own.status_code == 200
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in own.get_data(as_text=True)
    assert dpupr.get(f"/tindak-lanjut/dasbor/opd/{city['dinkes'].id}").status_code == 403
    assert dpupr.get("/tindak-lanjut/dasbor").status_code == 403
    viewer = login_as("viewer")
    for opd in city.values():  # pimpinan see any OPD, with or without items
        assert viewer.get(f"/tindak-lanjut/dasbor/opd/{opd.id}").status_code == 200
    assert viewer.get("/tindak-lanjut/dasbor/opd/999999").status_code == 404


def test_a_recap_of_an_unknown_meeting_or_format_is_not_found(login_as):
    viewer = login_as("viewer")
    assert viewer.get("/tindak-lanjut/rekap.xlsx?event=999999").status_code == 404
    assert viewer.get("/tindak-lanjut/rekap.xlsx?series=999999").status_code == 404
    assert viewer.get("/tindak-lanjut/rekap.docx").status_code == 404
    assert viewer.get("/tindak-lanjut/rekap.xlsx").status_code == 200


def test_an_opd_picture_costs_the_same_statements_with_2_or_20_items_and_reports(
    make_event, make_item, city, login_as, count_queries
):
    from app.extensions import db
    from followup import services

    event = make_event("sm-opd")
    reporter = login_as("opd", opd=city["dinkes"]).user
    viewer = login_as("viewer")
    counts = []
    for extra in (2, 20):
        for n in range(extra):
            item = make_item(city["dinkes"], event=event, title=f"Butir {extra}-{n}")
            services.submit_update(item, author=reporter, progress=40, narrative="Berjalan")
        db.session.commit()
        with count_queries() as counter:
            page = viewer.get(f"/tindak-lanjut/dasbor/opd/{city['dinkes'].id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        total = 2 if extra == 2 else 22
        assert f'data-count="total">{total}<' in html
        assert html.count('class="list-group-item"><div') == min(total, 5)  # the latest reports
        counts.append(counter.count)
    assert counts[0] == counts[1]
