"""Priority programs: progress rolls up from the linked action items."""

import io
import re
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.tabular import xlsx_bytes
from followup.imports import COLUMNS
from followup.models import ActionItem, PriorityProgram
from followup.programs import services as programs


def test_progress_rolls_up_from_linked_items(make_event, make_item, city, login_as):
    event = make_event(start=date(2026, 9, 10))
    organiser = login_as("organiser")
    organiser.submit(
        "/tindak-lanjut/program-prioritas/baru",
        {"year": "2026", "number": "1", "name": "Program 1.000 Sarjana", "lead_opd": "DINKES"},
    )
    duplicate = organiser.submit(
        "/tindak-lanjut/program-prioritas/baru", {"year": "2026", "number": "1", "name": "Lain"}
    )
    assert duplicate.status_code == 422 and "sudah dipakai" in duplicate.get_data(as_text=True)
    [program] = db.session.scalars(select(PriorityProgram)).all()
    for progress, status in ((100, "sesuai"), (40, "dalam_proses"), (10, "belum_sesuai")):
        item = make_item(city["dpupr"], event=event, status=status)
        item.progress, item.priority_program_id = progress, program.id
    make_item(city["dpupr"], event=event).progress = 90  # not linked: does not count
    db.session.commit()

    [rolled] = programs.roll_up(2026)
    assert (rolled.items, rolled.done, round(rolled.progress)) == (3, 1, 50)
    page = (
        login_as("viewer").get("/tindak-lanjut/program-prioritas?year=2026").get_data(as_text=True)
    )
    assert "Program 1.000 Sarjana" in page and "50,0%" in page
    assert (
        login_as("viewer")
        .submit(
            "/tindak-lanjut/program-prioritas/baru", {"year": "2026", "number": "2", "name": "X"}
        )
        .status_code
        == 403
    )
    assert (
        login_as("opd", opd=city["dpupr"]).get("/tindak-lanjut/program-prioritas").status_code
        == 403
    )


def test_the_import_links_items_to_a_program_by_number(make_event, city, login_as):
    event = make_event("sm-iii", start=date(2026, 9, 10))
    db.session.add(PriorityProgram(year=2026, number=3, name="Jalan lingkungan"))
    db.session.commit()
    organiser = login_as("organiser")
    row = ["Percepat lelang", "DPUPR", "2026-12-15", "tugas", "", "", "", "3"]
    bad = ["Program salah", "DPUPR", "2026-12-15", "tugas", "", "", "", "9"]
    response = organiser.submit(
        "/events/sm-iii/tindak-lanjut/import",
        {"file": (io.BytesIO(xlsx_bytes("tl", COLUMNS, [row, bad])), "tl.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "program prioritas 9 tidak ada" in response.get_data(as_text=True)
    preview = organiser.submit(
        "/events/sm-iii/tindak-lanjut/import",
        {"file": (io.BytesIO(xlsx_bytes("tl", COLUMNS, [row])), "tl.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    fields = re.findall(
        r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"', preview
    )
    organiser.post("/events/sm-iii/tindak-lanjut/import/confirm", data=dict(fields))
    item = db.session.scalar(select(ActionItem).where(ActionItem.event_id == event.id))
    assert item.priority_program.name == "Jalan lingkungan"


def test_the_organiser_links_an_item_in_the_edit_form(make_event, make_item, city, login_as):
    event = make_event(start=date(2026, 9, 10))
    program = PriorityProgram(year=2026, number=8, name="Reformasi birokrasi")
    db.session.add(program)
    db.session.commit()
    item = make_item(city["dpupr"], event=event, title="Matriks keselarasan")
    organiser = login_as("organiser")
    form = organiser.get(f"/tindak-lanjut/{item.id}/edit").get_data(as_text=True)
    assert "8. Reformasi birokrasi" in form
    organiser.submit(
        f"/tindak-lanjut/{item.id}/edit",
        {
            "title": "Matriks keselarasan program",
            "kind": "rekomendasi",
            "lead_opd": "BAPPEDA",
            "supporting_opds": "DPUPR",
            "priority_program_id": str(program.id),
            "status": "dalam_proses",
            "due_on": "2026-11-30",
        },
    )
    db.session.expire_all()
    item = db.session.get(ActionItem, item.id)
    assert (item.title, item.lead_opd.code, item.priority_program_id) == (
        "Matriks keselarasan program",
        "BAPPEDA",
        program.id,
    )
    assert [o.code for o in item.supporting_opds] == ["DPUPR"]
    page = organiser.get(f"/tindak-lanjut/{item.id}").get_data(as_text=True)
    assert "8. Reformasi birokrasi" in page
