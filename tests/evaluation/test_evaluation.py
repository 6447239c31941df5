"""Evaluation: percentages and the city total from amounts, the import, the ranking, who sees it."""

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, insert, select

from app.extensions import db
from app.opds import services as opd_services
from app.opds.models import Opd
from app.tabular import csv_bytes, xlsx_bytes
from evaluation import imports, services
from evaluation.models import BudgetRealisation, RealisationTarget
from tests.evaluation.fixtures import realisation

HEADER = imports.IMPORT_COLUMNS


def _upload(client, content, name="realisasi.xlsx"):
    """The upload form's POST, then (when it leads there) the preview page."""
    response = client.submit(
        "/evaluasi/import",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    if response.status_code == 302 and "/evaluasi/import/preview?token=" in response.location:
        return client.get(response.location)
    return response


HIDDEN = re.compile(r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"')


def _confirm(client, page):
    """Press "Simpan" on the preview."""
    return client.post("/evaluasi/import/confirm", data=dict(HIDDEN.findall(page)))


def _row(year, quarter, opd, pagu, real, fisik="50"):
    return [year, quarter, opd.code, pagu, real, fisik]


def test_percentages_and_the_city_total_come_from_amounts(city, make_opd):
    empty = make_opd("DISPORA")  # pagu 0
    make_opd("DLH")  # no data at all
    db.session.add_all(
        [
            realisation(city["dpupr"].id, 900, 450, 60),
            realisation(city["dinkes"].id, 100, 90, 95),
            realisation(empty.id, 0, 0, 0),
            realisation(city["dinkes"].id, 100, 40, 45, quarter=2),
        ]
    )
    db.session.commit()
    ranking = services.ranking(2026, 3)
    # (450 + 90) / (900 + 100) = 54%, not the mean of 50% and 90% (70%).
    assert ranking.percent == 54.0
    assert [(r.opd.code, r.percent) for r in ranking.rows] == [
        ("DINKES", 90.0),
        ("DPUPR", 50.0),
        ("DISPORA", None),
    ]
    dinkes, dpupr, dispora = ranking.rows
    assert dinkes.change == 50.0 and dpupr.change is None  # since Q2
    assert dpupr.deviation == -25.0  # default Q3 target 75%
    assert dpupr.below_threshold and not dinkes.below_threshold and not dispora.below_threshold
    assert "DLH" not in [r.opd.code for r in ranking.rows]


def test_import_previews_then_saves_and_bad_files_change_nothing(city, login_as):
    organiser = login_as("organiser")
    good = [
        _row(2026, 3, city["dpupr"], "1.250.000.000", "700.000.000", "56,6"),
        _row(2026, 3, city["dinkes"], 500000000, 300000000, 60),
    ]
    preview = _upload(organiser, xlsx_bytes("r", HEADER, good))
    page = preview.get_data(as_text=True)
    assert "Simpan 2 perubahan" in page and "Rp1.250.000.000" in page
    assert db.session.scalar(select(func.count()).select_from(BudgetRealisation)) == 0
    _confirm(organiser, page)
    rows = {r.opd.code: r for r in db.session.scalars(select(BudgetRealisation))}
    assert rows["DPUPR"].pagu == 1_250_000_000 and float(rows["DPUPR"].realisasi_fisik) == 56.6

    bad = [
        _row(2026, 5, city["dpupr"], "1000", "10"),
        [2026, 3, "NOPE", "1000", "10", "5"],
        _row(2026, 3, city["dinkes"], "seribu", "10"),
        _row(2026, 3, city["bappeda"], "1000", "2000"),
        _row(2026, 3, city["bappeda"], "1000", "10", "140"),
    ]
    response = _upload(organiser, csv_bytes(HEADER, bad), "r.csv")
    html = response.get_data(as_text=True)
    assert "tidak ada data yang diubah" in html and "/evaluasi/import/confirm" not in html
    for text in (
        "triwulan harus 1–4",
        "NOPE tidak dikenal",
        "seribu bukan jumlah rupiah",
        "melebihi pagu",
        "140 bukan persen",
    ):
        assert text in html, text
    assert db.session.scalar(select(func.count()).select_from(BudgetRealisation)) == 2
    assert _upload(organiser, b"%PDF-1.4 no", "r.xlsx").status_code == 422
    # Re-importing a quarter replaces its figures (audited), it does not add rows.
    page = _upload(
        organiser,
        xlsx_bytes("r", HEADER, [_row(2026, 3, city["dpupr"], 1_250_000_000, 900_000_000, 70)]),
    ).get_data(as_text=True)
    _confirm(organiser, page)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(BudgetRealisation)) == 2
    assert (
        db.session.scalar(
            select(BudgetRealisation.realisasi_keuangan).where(
                BudgetRealisation.opd_id == city["dpupr"].id
            )
        )
        == 900_000_000
    )


def test_an_opd_sees_the_ranking_only_once_shared(city, login_as):
    db.session.add(realisation(city["dinkes"].id, 100, 50, 50))
    db.session.add(realisation(city["dpupr"].id, 100, 70, 50))
    db.session.commit()
    dinkes = login_as("opd", opd=city["dinkes"])
    assert (
        dinkes.get("/evaluasi/").headers["Location"].endswith(f"/evaluasi/opd/{city['dinkes'].id}")
    )
    assert dinkes.get(f"/evaluasi/opd/{city['dpupr'].id}").status_code == 403
    assert dinkes.get("/api/v1/realisation").status_code == 403
    assert dinkes.get("/evaluasi/peringkat.xlsx").status_code == 403
    login_as("organiser").submit(
        "/evaluasi/target",
        {
            "year": "2026",
            "target_1": "25",
            "target_2": "50",
            "target_3": "75",
            "target_4": "100",
            "threshold": "57",
            "shared_3": "1",
        },
    )
    assert db.session.scalar(
        select(RealisationTarget.shared_with_opds).where(RealisationTarget.quarter == 3)
    )
    assert dinkes.get("/evaluasi/").status_code == 200
    assert dinkes.get("/api/v1/realisation").get_json()["opds"][0]["opd"]["code"] == "DPUPR"


def test_the_api_follows_the_contract_and_exports_open_back(city, login_as):
    db.session.add(realisation(city["dpupr"].id, 2_000_000_000, 1_133_000_000, 60))
    db.session.commit()
    viewer = login_as("viewer")
    body = viewer.get("/api/v1/realisation").get_json()
    assert set(body) == {"year", "quarter", "threshold_percent", "coverage", "total", "opds"}
    assert (body["year"], body["quarter"], body["threshold_percent"]) == (2026, 3, 57.0)
    # One of the city's three OPDs has figures.
    assert body["coverage"] == {"opds_with_data": 1, "opds_total": 3}
    assert body["total"] == {
        "pagu": 2_000_000_000,
        "realisasi_keuangan": 1_133_000_000,
        "percent": 56.65,
    }
    [row] = body["opds"]
    assert row == {
        "rank": 1,
        "opd": {"code": "DPUPR", "name": "Dinas Pekerjaan Umum dan Penataan Ruang"},
        "pagu": 2_000_000_000,
        "realisasi_keuangan": 1_133_000_000,
        "percent": 56.65,
        "realisasi_fisik": 60.0,
        "target_percent": 75.0,
        "below_threshold": True,
    }
    assert viewer.get("/api/v1/realisation?year=2026").get_json()["quarter"] == 3
    assert viewer.get("/api/v1/realisation?year=2025").status_code == 404
    assert viewer.get("/api/v1/realisation?year=2026&quarter=5").status_code == 422
    sheet = load_workbook(io.BytesIO(viewer.get("/evaluasi/peringkat.xlsx").data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values.index(next(r for r in values if r[0] == "Peringkat"))
    assert values[header + 1][:6] == [
        1,
        "DPUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        2_000_000_000,
        1_133_000_000,
        56.65,
    ]
    # Above the header: what the sheet is and how complete; the total is that of the OPD shown.
    assert values[0][0] == "PERINGKAT REALISASI ANGGARAN"
    assert "data 1 dari 3 perangkat daerah" in values[2][0]
    assert values[header + 2][2:6] == [
        "Total 1 perangkat daerah berdata",
        2_000_000_000,
        1_133_000_000,
        56.65,
    ]
    assert sheet.title == "Peringkat 2026 TW3"
    text = PdfReader(io.BytesIO(viewer.get("/evaluasi/peringkat.pdf").data)).pages[0].extract_text()
    assert "PERINGKAT REALISASI ANGGARAN" in text and "56,6%" in text and "Rp2.000.000.000" in text
    assert "data 1 dari 3 perangkat daerah" in text and "Total kota" not in text
    assert "Total 1 perangkat daerah berdata 56,6%" in " ".join(text.split())


def test_ranking_and_profile_run_a_constant_number_of_statements(make_opd, login_as, count_queries):
    viewer = login_as("viewer")
    counts = []
    made = 0
    for size in (10, 60):
        opds = [make_opd(f"OPD-{made + i:03d}") for i in range(size - made)]
        made = size
        db.session.execute(
            insert(BudgetRealisation),
            [
                {
                    "year": 2026,
                    "quarter": q,
                    "opd_id": o.id,
                    "pagu": 1000,
                    "realisasi_keuangan": 100 * q,
                    "realisasi_fisik": 10 * q,
                }
                for o in opds
                for q in (2, 3)
            ],
        )
        db.session.commit()
        first = db.session.scalar(select(Opd.id).order_by(Opd.id))
        with count_queries() as ranking:
            assert viewer.get("/evaluasi/?year=2026&quarter=3").status_code == 200
        with count_queries() as profile:
            assert viewer.get(f"/evaluasi/opd/{first}").status_code == 200
        counts.append((ranking.count, profile.count))
    assert counts[0] == counts[1]


# --- coverage: how many of the OPDs expected to report have data -----------------------------


def _quarter(opds, quarter, *, year=2026, spent=60):
    db.session.add_all(realisation(o.id, 100, spent, 50, year=year, quarter=quarter) for o in opds)
    db.session.commit()


def test_coverage_counts_the_budget_units_expected_to_report(make_opd):
    dinas = make_opd("DINAS-A")
    camat = make_opd("KEC-A", kind="kecamatan")
    make_opd("SETDA", kind="sekretariat")
    setda_part = make_opd("BAG-A", kind="bagian")  # spends within the Setda's budget
    lurah = make_opd("KEL-A", kind="kelurahan", parent=camat)  # within its kecamatan's
    closed = make_opd("DINAS-OLD")
    opd_services.set_active(closed, False)
    db.session.commit()
    assert services.coverage(2026, 3) == services.Coverage(0, 3)  # Setda, the dinas, kecamatan
    _quarter([dinas, camat], 3)
    coverage = services.coverage(2026, 3)
    assert (coverage.opds_with_data, coverage.opds_total, coverage.complete) == (2, 3, False)
    # An OPD not expected but with figures is ranked and counted, never hidden.
    _quarter([lurah], 3)
    assert services.coverage(2026, 3) == services.Coverage(3, 4)
    ranking = services.ranking(2026, 3)
    assert ranking.coverage == services.Coverage(3, 4) and len(ranking.rows) == 3
    assert [o.code for o in services.missing_opds(2026, 3)] == ["SETDA"]
    assert setda_part.id not in {o.id for o in services.missing_opds(2026, 3)}
    # The one function, for every quarter at once, agrees.
    assert services.coverages() == {(2026, 3): services.Coverage(3, 4)}


def test_a_partial_quarter_neither_opens_the_page_nor_passes_for_the_city(city, login_as):
    """Finding 3: TW4 imported for some OPDs made the page open on it for everyone, with a
    "Total kota" of those few and no word about the others."""
    _quarter(city.values(), 3, spent=50)
    _quarter([city["dinkes"]], 4, spent=90)
    viewer = login_as("viewer")
    page = viewer.get("/evaluasi/").get_data(as_text=True)
    # It opens on the latest complete quarter, says that TW4 is still coming in.
    assert 'nav-link active" href="/evaluasi/?year=2026&amp;quarter=3"' in page
    assert 'id="city-total">50,0%' in page and 'id="city-total-label">Total kota' in page
    assert "Data 2026 TW4 sedang masuk (data 1 dari 3 perangkat daerah)" in page
    assert 'id="coverage"' not in page
    # The picker marks TW4 partial.
    tw4_link = page.split('href="/evaluasi/?year=2026&amp;quarter=4"')[1].split("</a>")[0]
    assert 'data-partial="1"' in tw4_link and "sebagian" in tw4_link
    # TW4 itself says plainly what its total is.
    tw4 = viewer.get("/evaluasi/?year=2026&quarter=4").get_data(as_text=True)
    assert "Data 2026 TW4 belum lengkap: data 1 dari 3 perangkat daerah." in tw4
    assert 'id="city-total-label">Total 1 perangkat daerah berdata' in tw4
    assert "Total kota" not in tw4
    assert "2 perangkat daerah belum berdata" in tw4 and "Badan Perencanaan" in tw4
    # The API keeps its default (the latest quarter with data) and says how complete it is.
    body = viewer.get("/api/v1/realisation").get_json()
    assert (body["quarter"], body["coverage"]) == (4, {"opds_with_data": 1, "opds_total": 3})
    assert viewer.get("/api/v1/realisation?year=2026&quarter=3").get_json()["coverage"] == {
        "opds_with_data": 3,
        "opds_total": 3,
    }
    # The documents without a quarter follow the page: the complete one.
    sheet = load_workbook(io.BytesIO(viewer.get("/evaluasi/peringkat.xlsx").data)).active
    assert sheet["A2"].value == "Realisasi anggaran per OPD, triwulan 3 tahun 2026"
    assert sheet["A3"].value == "data 3 dari 3 perangkat daerah"


def test_with_no_complete_quarter_the_page_says_the_one_shown_is_partial(city, login_as):
    _quarter([city["dinkes"], city["dpupr"]], 3)
    page = login_as("organiser").get("/evaluasi/").get_data(as_text=True)
    assert 'nav-link active" href="/evaluasi/?year=2026&amp;quarter=3"' in page
    assert "Data 2026 TW3 belum lengkap: data 2 dari 3 perangkat daerah." in page
    assert "bukan total kota" in page and "Total 2 perangkat daerah berdata" in page
    assert "1 perangkat daerah belum berdata" in page


def test_figures_are_typed_and_shown_the_indonesian_way(city, login_as):
    row = realisation(city["dpupr"].id, 1_000_000_000, 400_000_000, 45)
    db.session.add(row)
    db.session.commit()
    organiser = login_as("organiser")
    profile = organiser.get(f"/evaluasi/opd/{city['dpupr'].id}").get_data(as_text=True)
    assert 'name="pagu" value="1.000.000.000"' in profile
    assert 'name="realisasi_fisik" value="45"' in profile
    organiser.submit(
        f"/evaluasi/realisasi/{row.id}",
        {"pagu": "Rp1.250.000.000", "realisasi_keuangan": "700.000.000", "realisasi_fisik": "56,6"},
    )
    db.session.expire_all()
    saved = db.session.get(BudgetRealisation, row.id)
    assert (saved.pagu, saved.realisasi_keuangan, float(saved.realisasi_fisik)) == (
        1_250_000_000,
        700_000_000,
        56.6,
    )
    # Bad figures get a message and change nothing.
    for bad, message in (
        ({"realisasi_fisik": "140"}, "realisasi fisik dalam persen 0–100"),
        ({"pagu": "seribu"}, "Isi pagu dan realisasi dalam rupiah"),
        ({"realisasi_keuangan": "2.000.000.000"}, "Realisasi keuangan melebihi pagu."),
    ):
        form = {
            "pagu": "1.250.000.000",
            "realisasi_keuangan": "700.000.000",
            "realisasi_fisik": "56,6",
            **bad,
        }
        response = organiser.submit(f"/evaluasi/realisasi/{row.id}", form, follow_redirects=True)
        assert message in response.get_data(as_text=True), bad
        db.session.expire_all()
        assert db.session.get(BudgetRealisation, row.id).realisasi_keuangan == 700_000_000
    # Targets with a decimal comma; a bad one changes nothing.
    targets = {"year": "2026", "target_1": "25", "target_2": "50", "target_3": "72,5"}
    organiser.submit("/evaluasi/target", {**targets, "target_4": "100", "threshold": "57,5"})
    assert services.target_for(2026, 3).target_percent == 72.5
    assert 'value="72,5"' in organiser.get("/evaluasi/target?year=2026").get_data(as_text=True)
    page = organiser.submit(
        "/evaluasi/target", {**targets, "target_4": "seratus", "threshold": "57"}
    ).get_data(as_text=True)
    assert "Target dan ambang batas harus persen 0–100." in page
    assert services.target_for(2026, 3).threshold_percent == 57.5
    # Deviation and change in percentage points, with a decimal comma.
    page = organiser.get("/evaluasi/?year=2026&quarter=3").get_data(as_text=True)
    assert '<td class="text-end">-16,5</td>' in page  # 56,0% against the 72,5% target
