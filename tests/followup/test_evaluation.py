"""Evaluation: percentages and the city total from amounts, the import, the ranking, who sees it."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, insert, select

from app.extensions import db
from app.opds.models import Opd
from app.tabular import csv_bytes, xlsx_bytes
from followup.evaluation import services
from followup.evaluation.models import BudgetRealisation, RealisationTarget
from tests.followup.fixtures import realisation

HEADER = services.IMPORT_COLUMNS


def _upload(client, content, name="realisasi.xlsx"):
    return client.submit(
        "/evaluasi/import",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _confirm(client, page):
    import re

    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return client.submit("/evaluasi/import/confirm", {"token": token})


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
    assert "2 baris siap disimpan" in page and "Rp1.250.000.000" in page
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
    assert response.status_code == 422
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
    assert (body["year"], body["quarter"], body["threshold_percent"]) == (2026, 3, 57.0)
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
    assert viewer.get("/api/v1/realisation?year=2026").status_code == 422
    sheet = load_workbook(io.BytesIO(viewer.get("/evaluasi/peringkat.xlsx").data)).active
    assert [c.value for c in sheet[2]][:6] == [
        1,
        "DPUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        2_000_000_000,
        1_133_000_000,
        56.65,
    ]
    text = PdfReader(io.BytesIO(viewer.get("/evaluasi/peringkat.pdf").data)).pages[0].extract_text()
    assert "PERINGKAT REALISASI ANGGARAN" in text and "56,6%" in text and "Rp2.000.000.000" in text


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


def test_the_meetings_agenda_page_shows_its_ranking_to_organisers_and_pimpinan(
    make_event, city, login_as, client
):
    from followup.evaluation.models import EventEvaluation

    event = make_event("sm-iii")
    db.session.add(realisation(city["dinkes"].id, 100, 40, 50))
    db.session.add(EventEvaluation(event_id=event.id, year=2026, quarter=3))
    db.session.commit()
    for who in (login_as("viewer"), login_as("organiser")):
        page = who.get("/events/sm-iii/").get_data(as_text=True)
        assert (
            "Evaluasi kinerja: realisasi 2026 TW3" in page
            and "1 OPD di bawah ambang batas: DINKES" in page
        )
    assert "Evaluasi kinerja" not in client.get("/events/sm-iii/").get_data(as_text=True)
    assert "Evaluasi kinerja: realisasi" not in login_as("opd", opd=city["dinkes"]).get(
        "/events/sm-iii/"
    ).get_data(as_text=True)


def test_pact_targets_roll_up_from_linked_items(make_event, make_item, city, login_as):
    from datetime import date

    from followup.evaluation.models import PactTarget

    event = make_event(start=date(2026, 9, 10))
    organiser = login_as("organiser")
    organiser.submit(
        f"/evaluasi/opd/{city['dpupr'].id}/pakta",
        {
            "year": "2026",
            "indicator": "Paket fisik selesai tepat waktu",
            "target": "12 paket",
            "sanction_note": "Evaluasi TPP",
        },
    )
    pact = db.session.scalar(select(PactTarget))
    assert pact.opd_id == city["dpupr"].id
    item = make_item(city["dpupr"], event=event, title="Lelang paket jalan")
    form = organiser.get(f"/tindak-lanjut/{item.id}/edit").get_data(as_text=True)
    assert "DPUPR: Paket fisik selesai tepat waktu (12 paket)" in form
    organiser.submit(
        f"/tindak-lanjut/{item.id}/edit",
        {
            "title": item.title,
            "kind": "tugas",
            "lead_opd": "DPUPR",
            "status": "dalam_proses",
            "pact_target_id": str(pact.id),
            "priority_program_id": "0",
        },
    )
    db.session.expire_all()
    linked = db.session.get(type(item), item.id)
    linked.progress = 60
    db.session.commit()
    assert services.pact_progress(city["dpupr"].id) == {pact.id: (1, 60.0)}
    page = organiser.get(f"/evaluasi/opd/{city['dpupr'].id}").get_data(as_text=True)
    assert "Paket fisik selesai tepat waktu" in page and "1 butir · 60,0%" in page
