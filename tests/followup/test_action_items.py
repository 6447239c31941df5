"""Follow-up of decisions: quick entry, OPD workspace, updates with evidence, verification, API."""

import io
import os
import re
from datetime import timedelta

from pypdf.generic import NameObject
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from followup import services
from followup.models import ActionItem, Evidence, ProgressUpdate
from tests.files import action, pdf

PDF = pdf()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_notulis_records_a_decision_in_one_line(make_event, login_as, city):
    make_event("sm-iii")
    organiser = login_as("organiser")
    response = organiser.submit(
        "/events/sm-iii/tindak-lanjut",
        {
            "title": "Kontrak kinerja khusus 10 OPD terendah",
            "lead_opd": "DPUPR — Dinas Pekerjaan Umum dan Penataan Ruang",
            "due_on": "2026-12-31",
            "session_id": "0",
        },
        follow_redirects=True,
    )
    assert "Tindak lanjut dicatat" in response.get_data(as_text=True)
    item = db.session.scalar(select(ActionItem))
    assert item.lead_opd_id == city["dpupr"].id and item.due_on.isoformat() == "2026-12-31"
    assert item.status == "belum_ditindaklanjuti" and item.created_by_id == organiser.user.id
    assert (
        db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "ActionItem"))
        == "create"
    )

    typed_code = organiser.submit(
        "/events/sm-iii/tindak-lanjut", {"title": "Kedua", "lead_opd": "bappeda", "session_id": "0"}
    )
    assert typed_code.status_code == 302
    unknown = organiser.submit(
        "/events/sm-iii/tindak-lanjut",
        {"title": "Ketiga", "lead_opd": "Dinas Entah", "session_id": "0"},
    )
    assert unknown.status_code == 422
    assert "Pilih OPD penanggung jawab" in unknown.get_data(as_text=True)
    assert _count(ActionItem) == 2
    assert (
        login_as("viewer")
        .submit("/events/sm-iii/tindak-lanjut", {"title": "X", "lead_opd": "DPUPR"})
        .status_code
        == 403
    )


def test_an_opd_sees_and_reports_only_on_its_own_items(login_as, make_user, city, make_item):
    own = make_item(city["dpupr"], title="Belanja modal 75%")
    supported = make_item(city["bappeda"], supporting=[city["dpupr"]], title="Renja selaras")
    other = make_item(city["dinkes"], title="Puskesmas ramah anak")
    dpupr = login_as("opd", opd=city["dpupr"])

    workspace = dpupr.get("/tindak-lanjut/").get_data(as_text=True)
    assert "Belanja modal 75%" in workspace and "Renja selaras" in workspace
    assert "Puskesmas ramah anak" not in workspace
    assert dpupr.get(f"/tindak-lanjut/{other.id}").status_code == 403
    api = dpupr.get("/api/v1/action-items").get_json()
    assert sorted(i["id"] for i in api["items"]) == sorted([own.id, supported.id])
    assert dpupr.get(f"/api/v1/action-items/{other.id}").status_code == 403
    response = dpupr.submit(
        f"/tindak-lanjut/{other.id}/updates", {"progress": "50", "narrative": "x"}
    )
    assert response.status_code == 403
    assert _count(ProgressUpdate) == 0
    # The supporting OPD may report too.
    assert (
        dpupr.submit(
            f"/tindak-lanjut/{supported.id}/updates",
            {"progress": "20", "narrative": "Draf matriks"},
        ).status_code
        == 302
    )
    # Its report is credited to its own OPD, not the lead's; one the organiser enters on the
    # OPD's behalf is the lead OPD's.
    assert db.session.scalar(select(ProgressUpdate.opd_id)) == city["dpupr"].id
    login_as("organiser").submit(
        f"/tindak-lanjut/{other.id}/updates", {"progress": "30", "narrative": "Lewat telepon"}
    )
    assert (
        db.session.scalar(select(ProgressUpdate.opd_id).where(ProgressUpdate.item_id == other.id))
        == city["dinkes"].id
    )


def test_an_update_with_evidence_is_verified_and_moves_the_item(app, login_as, city, make_item):
    item = make_item(city["dpupr"], title="Belanja modal 75%")
    dpupr = login_as("opd", opd=city["dpupr"])
    response = dpupr.submit(
        f"/tindak-lanjut/{item.id}/updates",
        {
            "progress": "45",
            "narrative": "Lelang 12 paket selesai",
            "files": [(io.BytesIO(PDF), "Berita Acara.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    update = db.session.scalar(select(ProgressUpdate))
    [evidence] = update.evidence
    # A report is a proposal: the item keeps its verified status and progress until verified.
    assert update.review == "pending" and update.proposed_status == "dalam_proses"
    assert (item.status, item.progress) == ("belum_ditindaklanjuti", 0)

    download = dpupr.get(f"/tindak-lanjut/evidence/{evidence.id}")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Berita_Acara.pdf" in download.headers["Content-Disposition"]
    dinkes = login_as("opd", opd=city["dinkes"])
    assert dinkes.get(f"/tindak-lanjut/evidence/{evidence.id}").status_code == 403

    organiser = login_as("organiser")
    refused = organiser.submit(
        f"/tindak-lanjut/updates/{update.id}/review",
        {"decision": "return", "status": "belum_sesuai", "comment": ""},
        follow_redirects=True,
    )
    assert "Tulis alasan pengembalian" in refused.get_data(as_text=True)
    organiser.submit(
        f"/tindak-lanjut/updates/{update.id}/review",
        {"decision": "accept", "status": "dalam_proses", "comment": "Lanjutkan"},
    )
    db.session.expire_all()
    item = db.session.get(ActionItem, item.id)
    assert (item.progress, item.status) == (45, "dalam_proses")
    assert db.session.get(ProgressUpdate, update.id).review == "accepted"
    page = organiser.get(f"/tindak-lanjut/{item.id}").get_data(as_text=True)
    assert (
        "Dicatat" in page and "Lelang 12 paket selesai" in page and "Laporan 45% diterima" in page
    )
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "ProgressUpdate")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "accept"]


def test_a_wrong_file_changes_nothing(app, login_as, city, make_item):
    item = make_item(city["dpupr"])
    dpupr = login_as("opd", opd=city["dpupr"])
    folder = app.config["UPLOAD_FOLDER"]
    before = sum(len(files) for _r, _d, files in os.walk(folder))
    response = dpupr.submit(
        f"/tindak-lanjut/{item.id}/updates",
        {
            "progress": "30",
            "narrative": "Bukti",
            "files": [
                (io.BytesIO(PDF), "ok.pdf"),
                (io.BytesIO(b"MZ\x90\x00 not a pdf"), "laporan.pdf"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "laporan.pdf" in response.get_data(as_text=True)
    assert _count(ProgressUpdate) == 0 and _count(Evidence) == 0
    assert sum(len(files) for _r, _d, files in os.walk(folder)) == before
    bad_progress = dpupr.submit(
        f"/tindak-lanjut/{item.id}/updates", {"progress": "140", "narrative": "x"}
    )
    assert bad_progress.status_code == 422 and _count(ProgressUpdate) == 0


def test_an_empty_report_is_refused_and_stores_nothing(app, login_as, city, make_item):
    """A 0-byte file and no narrative is no report: it needs words or a file with content."""
    item = make_item(city["dpupr"])
    dpupr = login_as("opd", opd=city["dpupr"])
    folder = app.config["UPLOAD_FOLDER"]
    before = sum(len(files) for _r, _d, files in os.walk(folder))
    response = dpupr.submit(
        f"/tindak-lanjut/{item.id}/updates",
        {"progress": "10", "narrative": "  ", "files": [(io.BytesIO(b""), "kosong.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Tulis uraian progres atau lampirkan bukti dukung." in response.get_data(as_text=True)
    assert _count(ProgressUpdate) == 0 and _count(Evidence) == 0
    assert sum(len(files) for _r, _d, files in os.walk(folder)) == before


def test_evidence_that_runs_code_is_refused_with_a_clear_message(login_as, city, make_item):
    def javascript_on_open(writer, page):
        writer._root_object[NameObject("/OpenAction")] = action("/JavaScript", JS="app.alert(1)")

    item = make_item(city["dpupr"])
    dpupr = login_as("opd", opd=city["dpupr"])
    response = dpupr.submit(
        f"/tindak-lanjut/{item.id}/updates",
        {
            "progress": "20",
            "narrative": "Bukti terlampir",
            "files": [(io.BytesIO(pdf(extra=javascript_on_open)), "berita-acara.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "berita-acara.pdf: Berkas PDF memuat JavaScript atau tindakan otomatis" in page
    assert _count(ProgressUpdate) == 0 and _count(Evidence) == 0


def test_overdue_is_computed_from_the_due_date(login_as, city, make_item):
    today = services.today()
    late = make_item(city["dpupr"], due_on=today - timedelta(days=1), title="Terlambat")
    make_item(
        city["dpupr"], due_on=today - timedelta(days=1), status="sesuai", title="Selesai tepat"
    )
    make_item(city["dpupr"], due_on=today + timedelta(days=3), title="Masih ada waktu")
    organiser = login_as("organiser")
    overdue = organiser.get("/tindak-lanjut/?overdue=1").get_data(as_text=True)
    assert (
        "Terlambat" in overdue
        and "Selesai tepat" not in overdue
        and "Masih ada waktu" not in overdue
    )
    body = organiser.get("/api/v1/action-items").get_json()
    assert {i["title"]: i["overdue"] for i in body["items"]} == {
        "Terlambat": True,
        "Selesai tepat": False,
        "Masih ada waktu": False,
    }
    assert late.overdue_on(today)


def test_the_api_follows_the_contract_and_pages(login_as, city, make_item, make_event):
    event = make_event("sm-iv")
    for n in range(7):
        make_item(city["bappeda"], event=event, supporting=[city["dinkes"]], title=f"Butir {n}")
    make_item(city["dpupr"], title="Lain acara")
    viewer = login_as("viewer")
    body = viewer.get("/api/v1/action-items?event=sm-iv&per_page=5").get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (7, 2, 5)
    first = body["items"][0]
    assert {
        "id",
        "title",
        "status",
        "progress",
        "due_on",
        "lead_opd",
        "supporting_opds",
    } <= first.keys()
    assert first["lead_opd"] == {"code": "BAPPEDA", "name": "Badan Perencanaan Pembangunan Daerah"}
    assert first["supporting_opds"] == [{"code": "DINKES", "name": "Dinas Kesehatan"}]
    assert viewer.get("/api/v1/action-items?opd=DINKES").get_json()["total"] == 7
    assert viewer.get("/api/v1/action-items?status=sesuai").get_json()["total"] == 0
    assert viewer.get("/api/v1/action-items?event=tidak-ada").status_code == 404
    assert login_as("operator").get("/api/v1/action-items").status_code == 403


def test_lists_run_a_constant_number_of_queries(
    login_as, city, make_item, make_event, count_queries
):
    event = make_event()
    organiser = login_as("organiser")
    dinkes = login_as("opd", opd=city["dinkes"])  # the OPD workspace: items it supports
    counts = []
    for extra in (3, 30):
        for n in range(extra):
            make_item(
                city["dpupr"],
                event=event,
                supporting=[city["dinkes"], city["bappeda"]],
                title=f"Butir {n}",
            )
        row = []
        for client, url in (
            (organiser, "/tindak-lanjut/"),
            (organiser, f"/events/{event.slug}/tindak-lanjut"),
            (organiser, "/api/v1/action-items"),
            (dinkes, "/tindak-lanjut/"),
            (dinkes, "/api/v1/action-items"),
        ):
            with count_queries() as counter:
                page = client.get(url)
            assert page.status_code == 200 and f"Butir {extra - 1}" in page.get_data(as_text=True)
            row.append(counter.count)
        counts.append(row)
    assert counts[0] == counts[1]


def test_a_row_of_the_workspace_speaks_the_users_language_and_links_to_its_item(
    login_as, city, make_item, make_event
):
    event = make_event()
    late = make_item(
        city["dpupr"],
        event=event,
        supporting=[city["dinkes"], city["bappeda"]],
        due_on=services.today() - timedelta(days=3),
        title="Perbaikan drainase",
    )
    late.progress = 40
    db.session.commit()
    organiser = login_as("organiser")
    organiser.user.locale = "en"
    db.session.commit()
    page = organiser.get("/tindak-lanjut/").get_data(as_text=True)
    row = (
        page.split(f'data-item="{late.id}"')[0].rsplit("<a ", 1)[1]
        + page.split(f'data-item="{late.id}"')[1].split("</a>")[0]
    )
    assert f'href="/tindak-lanjut/{late.id}"' in row
    text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    assert "Not yet followed up Overdue" in text
    assert "supported by BAPPEDA, DINKES" in text and "progress 40%" in text
    assert "due " in text and "batas" not in text and "didukung" not in text


def test_the_list_shows_the_nearest_deadline_first_and_undated_items_last(
    login_as, city, make_item, make_event
):
    today = services.today()
    meeting, other, empty = make_event(), make_event(), make_event()
    make_item(city["dpupr"], event=meeting, title="Tanpa batas waktu")
    make_item(city["dpupr"], event=meeting, due_on=today + timedelta(days=30), title="Bulan depan")
    make_item(city["dinkes"], event=other, due_on=today - timedelta(days=3), title="Terlambat")
    page = login_as("organiser").get("/tindak-lanjut/").get_data(as_text=True)
    assert page.index("Terlambat") < page.index("Bulan depan") < page.index("Tanpa batas waktu")
    # The meeting filter offers the meetings that have items, not every event.
    choices = page[page.index('id="f-event"') :].split("</select>")[0]
    assert f'value="{meeting.id}"' in choices and f'value="{other.id}"' in choices
    assert f'value="{empty.id}"' not in choices


def test_a_meetings_follow_up_page_shows_a_page_at_a_time_with_its_filter_kept(
    login_as, city, make_event, make_session, count_queries
):
    from followup.views import PER_PAGE

    event = make_event()
    session = make_session(event, "09:00", "10:00", title="Pleno")
    start = services.today()

    def add(first, count):
        for n in range(first, first + count):
            services.create_item(
                event,
                title=f"Butir {n:03d}",
                lead_opd=city["dpupr"],
                due_on=start + timedelta(days=n),
            )
        db.session.commit()

    add(0, PER_PAGE + 5)
    organiser = login_as("organiser")
    url = f"/events/{event.slug}/tindak-lanjut"
    first = organiser.get(f"{url}?session={session.id}").get_data(as_text=True)
    second = organiser.get(f"{url}?session={session.id}&page=2").get_data(as_text=True)
    assert "Butir 000" in first and f"Butir {PER_PAGE - 1:03d}" in first
    assert f"Butir {PER_PAGE:03d}" not in first
    assert f"Butir {PER_PAGE:03d}" in second and f"Butir {PER_PAGE + 4:03d}" in second
    assert "Butir 000" not in second
    # The page links keep the session chosen for the form.
    assert f"session={session.id}" in first.split('aria-label="Halaman"')[1]

    with count_queries() as small:
        organiser.get(f"{url}?page=2")
    add(PER_PAGE + 5, 2 * PER_PAGE)
    with count_queries() as large:
        organiser.get(f"{url}?page=2")
    assert small.count == large.count
