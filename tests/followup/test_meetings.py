"""Between meetings: minutes, carry-over with history, the evaluation session, the report."""

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from agenda.models import EventSeries
from agenda.models import Session as AgendaSession
from app.extensions import db
from followup.models import ActionItem


def _series(make_event):
    series = EventSeries(title="Strategic Meeting 2026")
    db.session.add(series)
    db.session.commit()
    first = make_event(
        "sm-ii", title="Strategic Meeting II", start=date(2026, 6, 10), series_id=series.id
    )
    second = make_event(
        "sm-iii", title="Strategic Meeting III", start=date(2026, 9, 10), series_id=series.id
    )
    return first, second


def test_open_items_are_carried_over_with_their_history(make_event, make_item, city, login_as):
    first, second = _series(make_event)
    open_item = make_item(
        city["dpupr"],
        event=first,
        supporting=[city["dinkes"]],
        status="dalam_proses",
        title="Belanja modal 75%",
    )
    open_item.progress = 40
    stale = make_item(city["bappeda"], event=first, title="Peta masalah")
    make_item(city["dinkes"], event=first, status="sesuai", title="Selesai")
    db.session.commit()
    organiser = login_as("organiser")

    banner = organiser.get("/events/sm-iii/tindak-lanjut").get_data(as_text=True)
    assert "2 tindak lanjut dari Strategic Meeting II masih terbuka" in banner
    organiser.submit(
        "/events/sm-iii/tindak-lanjut/lanjutan",
        {"item_ids": [str(open_item.id)], "action": "carry"},
    )
    organiser.submit(
        "/events/sm-iii/tindak-lanjut/lanjutan",
        {
            "item_ids": [str(stale.id)],
            "action": "close",
            "close_status": "tidak_dapat_ditindaklanjuti",
        },
    )

    carried = db.session.scalar(select(ActionItem).where(ActionItem.event_id == second.id))
    assert carried.carried_over_from_id == open_item.id
    assert (carried.title, carried.status, carried.progress) == (
        "Belanja modal 75%",
        "dalam_proses",
        40,
    )
    assert [o.code for o in carried.supporting_opds] == ["DINKES"]
    db.session.expire_all()
    assert db.session.get(ActionItem, stale.id).status == "tidak_dapat_ditindaklanjuti"
    assert "masih terbuka" not in organiser.get("/events/sm-iii/tindak-lanjut").get_data(
        as_text=True
    )
    # Both items show the link in their timeline.
    assert "Strategic Meeting III" in organiser.get(f"/tindak-lanjut/{open_item.id}").get_data(
        as_text=True
    )
    assert "Lanjutan dari" in organiser.get(f"/tindak-lanjut/{carried.id}").get_data(as_text=True)
    # Closing as "still open" is refused and changes nothing.
    again = organiser.submit(
        "/events/sm-iii/tindak-lanjut/lanjutan",
        {"item_ids": [str(carried.id)], "action": "close", "close_status": "dalam_proses"},
    )
    assert again.status_code == 302

    organiser.submit(
        "/events/sm-iii/tindak-lanjut/lanjutan",
        {"action": "evaluation", "day": "2026-09-10", "start_time": "13:00", "end_time": "14:00"},
    )
    session = db.session.scalar(select(AgendaSession).where(AgendaSession.event_id == second.id))
    assert session.title == "Evaluasi tindak lanjut"
    assert "Belanja modal 75% (DPUPR, 40%)" in session.description


def test_minutes_and_decisions_make_the_meeting_report(
    make_event, make_session, make_item, city, login_as
):
    event = make_event("sm-x", title="Strategic Meeting X", start=date(2026, 9, 10))
    session = make_session(event, "09:00", "10:00", title="Paparan realisasi anggaran")
    organiser = login_as("organiser")
    organiser.submit(
        "/events/sm-x/notulen",
        {"session_id": str(session.id), "text": "Realisasi kota 56,6% pada triwulan III."},
    )
    organiser.submit(
        "/events/sm-x/tindak-lanjut",
        {
            "title": "Kontrak khusus 10 OPD terendah",
            "lead_opd": "BAPPEDA",
            "due_on": "2026-10-31",
            "session_id": str(session.id),
        },
    )
    pdf = organiser.get("/events/sm-x/laporan.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "LAPORAN HASIL RAPAT" in text and "Paparan realisasi anggaran" in text
    assert "Realisasi kota 56,6% pada triwulan III." in text
    assert (
        "Kontrak khusus 10 OPD terendah" in text and "Badan Perencanaan Pembangunan Daerah" in text
    )
    assert "Belum ada data kehadiran." in text
    assert "31 Okt 2026" in text
    assert login_as("opd", opd=city["dpupr"]).get("/events/sm-x/laporan.pdf").status_code == 403
    assert (
        login_as("viewer")
        .submit("/events/sm-x/notulen", {"session_id": str(session.id), "text": "x"})
        .status_code
        == 403
    )
