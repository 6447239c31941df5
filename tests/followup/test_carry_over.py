"""Carrying open items over to the next meeting: the original closes as "dilanjutkan", the new
item gets a new due date, and every figure counts the decision once, at its latest link."""

import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from agenda.models import EventSeries
from app.extensions import db
from followup import services
from followup.dashboards import services as dashboards
from followup.meetings import services as meetings
from followup.models import ActionItem

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _series(make_event, *starts):
    series = EventSeries(title="Strategic Meeting 2026")
    db.session.add(series)
    db.session.commit()
    return [
        make_event(
            f"sm-{n}",
            title=f"Strategic Meeting {n}",
            start=start,
            series_id=series.id,
        )
        for n, start in enumerate(starts, start=1)
    ]


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _city_figures(client) -> dict:
    """Every place the city's figures show, read back from the pages and the API."""
    home = client.get("/").get_data(as_text=True)
    panel = home[home.index('id="panel-city-items"') :]
    dashboard = client.get("/tindak-lanjut/dasbor").get_data(as_text=True)
    totals = re.search(r'id="totals" data-total="(\d+)" data-overdue="(\d+)"', dashboard)
    api = client.get("/api/v1/action-items?per_page=200").get_json()
    book = load_workbook(io.BytesIO(client.get("/tindak-lanjut/rekap.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    overdue = re.search(r'data-count="overdue">(\d+)', panel)
    return {
        "panel": int(re.search(r'data-count="total">[^:]*: (\d+)', panel).group(1)),
        "panel_overdue": int(overdue.group(1)) if overdue else 0,
        "dashboard": int(totals.group(1)),
        "dashboard_overdue": int(totals.group(2)),
        "api": api["total"],
        "api_overdue": sum(i["overdue"] for i in api["items"]),
        "recap": len(rows) - 1,
        "recap_overdue": sum(1 for r in rows[1:] if r[-1]),
    }


def test_carrying_over_closes_the_original_and_counts_each_decision_once(
    make_event, make_item, city, login_as
):
    today = services.today()
    first, second, third = _series(
        make_event,
        today - timedelta(days=100),
        today - timedelta(days=10),
        today + timedelta(days=80),
    )
    late = today - timedelta(days=5)
    soon = today + timedelta(days=20)
    open_items = [
        make_item(city["dpupr"], event=first, status="dalam_proses", due_on=soon, title="A"),
        make_item(city["dpupr"], event=first, due_on=soon, title="B"),
        make_item(city["bappeda"], event=first, status="belum_sesuai", due_on=soon, title="C"),
        make_item(city["dinkes"], event=first, due_on=soon, title="D"),
        make_item(city["dinkes"], event=first, status="dalam_proses", due_on=late, title="E"),
        make_item(city["bappeda"], event=first, due_on=late, title="F"),
    ]
    make_item(city["dpupr"], event=first, status="sesuai", due_on=late, title="Selesai")
    make_item(city["dinkes"], event=second, due_on=late, title="Baru di rapat 2")
    viewer, organiser = login_as("viewer"), login_as("organiser")
    before = _city_figures(viewer)
    assert set(before.values()) == {8, 3} and before["panel"] == 8 and before["api_overdue"] == 3

    # The default new due date: the day before the series' next meeting.
    page = organiser.get("/events/sm-2/tindak-lanjut/lanjutan").get_data(as_text=True)
    expected = third.start_date - timedelta(days=1)
    assert f'value="{expected.isoformat()}"' in page
    # A past date is refused with a message, and nothing is carried.
    past = organiser.submit(
        "/events/sm-2/tindak-lanjut/lanjutan",
        {
            "item_ids": [str(i.id) for i in open_items],
            "action": "carry",
            "due_on": (today - timedelta(days=1)).isoformat(),
        },
        follow_redirects=True,
    )
    assert "tidak boleh sebelum" in past.get_data(as_text=True)
    assert db.session.scalar(select(ActionItem).where(ActionItem.event_id == second.id)).title == (
        "Baru di rapat 2"
    )

    # The four not overdue: one date for all, one item with its own date.
    own = today + timedelta(days=45)
    organiser.submit(
        "/events/sm-2/tindak-lanjut/lanjutan",
        {
            "item_ids": [str(i.id) for i in open_items[:4]],
            "action": "carry",
            "due_on": "",  # empty: the proposed default
            f"due_on_{open_items[0].id}": own.isoformat(),
        },
    )
    assert _city_figures(viewer) == before  # counts and overdue unchanged by carrying
    db.session.expire_all()
    continued = {
        i.title: i
        for i in db.session.scalars(
            select(ActionItem).where(ActionItem.carried_over_from_id.is_not(None))
        )
    }
    assert {t: i.due_on for t, i in continued.items()} == {
        "A": own,
        "B": expected,
        "C": expected,
        "D": expected,
    }
    assert (continued["A"].status, continued["C"].status) == ("dalam_proses", "belum_sesuai")
    original = db.session.get(ActionItem, open_items[0].id)
    assert original.status == "dilanjutkan" and original.continuation.id == continued["A"].id
    page = viewer.get(f"/tindak-lanjut/{original.id}").get_data(as_text=True)
    assert "Dilanjutkan ke Strategic Meeting 2" in page
    api = viewer.get(f"/api/v1/action-items?status=dilanjutkan&event={first.slug}").get_json()
    assert {i["id"]: i["carried_over_to"] for i in api["items"]} == {
        i.id: continued[i.title].id for i in open_items[:4]
    }
    assert viewer.get(f"/api/v1/action-items/{continued['B'].id}").get_json()[
        "carried_over_from"
    ] == (open_items[1].id)
    # The overdue two carried with a new date are no longer overdue; the totals stay.
    organiser.submit(
        "/events/sm-2/tindak-lanjut/lanjutan",
        {"item_ids": [str(i.id) for i in open_items[4:]], "action": "carry", "due_on": ""},
    )
    after = _city_figures(viewer)
    assert {k: v for k, v in after.items() if "overdue" not in k} == {
        k: v for k, v in before.items() if "overdue" not in k
    }
    assert set(after[k] for k in after if "overdue" in k) == {1}  # "Baru di rapat 2" only
    # The previous meeting has nothing left to carry; its page lists the decisions as carried.
    assert "masih terbuka" not in organiser.get("/events/sm-2/tindak-lanjut").get_data(as_text=True)
    meeting = organiser.get("/events/sm-1/tindak-lanjut").get_data(as_text=True)
    assert meeting.count('data-status="dilanjutkan"') == 6


def test_a_waiting_report_moves_with_the_decision(make_event, make_item, city, login_as):
    today = services.today()
    first, second = _series(make_event, today - timedelta(days=90), today)
    item = make_item(city["dpupr"], event=first, title="Belanja modal")
    dpupr = login_as("opd", opd=city["dpupr"])
    dpupr.submit(
        f"/tindak-lanjut/{item.id}/updates",
        {"progress": "40", "proposed_status": "dalam_proses", "narrative": "Kontrak"},
    )
    assert services.pending_review_count() == 1
    [new] = meetings.carry_over(second, [item], None, due_on=today + timedelta(days=30))
    db.session.commit()
    # Still one report waiting, now on the decision's latest link, where the organiser
    # verifies it; the decision is counted once.
    assert services.pending_review_count() == 1
    assert [u.item_id for u in new.updates] == [new.id]
    assert services.count(services.item_query()) == 1
    page = login_as("organiser").get(f"/tindak-lanjut/{new.id}").get_data(as_text=True)
    assert "menunggu verifikasi · 40%" in page and 'action="/tindak-lanjut/updates/' in page


def test_the_day_picker_and_recaps_speak_indonesian_dates(
    make_event, make_item, city, login_as, make_user
):
    today = services.today()
    first, second = _series(make_event, date(2026, 9, 10), date(2027, 2, 15))
    make_item(city["dpupr"], event=first, due_on=date(2026, 11, 23), title="Drainase")
    carried = make_item(
        city["bappeda"], event=first, due_on=today - timedelta(days=2), title="Peta"
    )
    [new] = meetings.carry_over(second, [carried], None, due_on=today + timedelta(days=60))
    db.session.commit()
    organiser = login_as("organiser")
    page = organiser.get("/events/sm-2/tindak-lanjut/lanjutan").get_data(as_text=True)
    picker = re.search(r'<select[^>]*name="day"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert "Senin, 15 Februari 2027" in picker
    assert not ISO_DATE.search(re.sub(r'value="[^"]*"', "", picker))

    # All events: each decision once, with the meeting it now belongs to, dates as date cells.
    book = load_workbook(io.BytesIO(organiser.get("/tindak-lanjut/rekap.xlsx").data))
    rows = list(book.active.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[:3] == ["OPD penanggung jawab", "Tindak lanjut", "Acara"]
    body = {r[1].value: r for r in rows[1:]}
    assert sorted(body) == ["Drainase", "Peta"]
    assert body["Peta"][2].value == "Strategic Meeting 2"
    due = body["Drainase"][header.index("Batas waktu")]
    assert due.is_date and due.value.date() == date(2026, 11, 23)
    assert book.active.title == "Rekap tindak lanjut"
    # One meeting's recap: no Acara column.
    one = load_workbook(
        io.BytesIO(organiser.get(f"/tindak-lanjut/rekap.xlsx?event={first.id}").data)
    )
    assert "Acara" not in [c.value for c in next(one.active.iter_rows())]

    text = _pdf_text(organiser.get("/tindak-lanjut/rekap.pdf").data)
    assert "23 Nov 2026" in text and "Acara" in text and "Strategic Meeting 2" in text
    assert "lewat batas waktu" in text  # "Drainase" is past due
    assert not ISO_DATE.search(text)
    english = make_user("organiser")
    english.locale = "en"
    db.session.commit()
    client = organiser.application.test_client()
    client.login(english.email)
    text = _pdf_text(client.get("/tindak-lanjut/rekap.pdf").data)
    assert "23 Nov 2026" in text and "(overdue)" in text
    assert "lewat batas waktu" not in text and "Belum ditindaklanjuti" not in text
    assert len(dashboards.recap_items(dashboards.Scope())) == 2  # "Peta" once, at meeting 2


def test_bad_choices_on_the_carry_over_page_get_a_message_and_change_nothing(
    make_event, make_item, city, login_as
):
    today = services.today()
    first, second = _series(make_event, today - timedelta(days=90), today + timedelta(days=5))
    item = make_item(city["dpupr"], event=first, due_on=today + timedelta(days=3), title="A")
    elsewhere = make_item(city["dinkes"], event=second, title="Bukan dari rapat sebelumnya")
    organiser = login_as("organiser")
    url = "/events/sm-2/tindak-lanjut/lanjutan"
    for form, message in (
        ({"action": "carry"}, "Pilih tindak lanjut terlebih dahulu."),
        ({"action": "carry", "item_ids": [str(elsewhere.id)]}, "bukan pilihan yang valid"),
        ({"action": "carry", "item_ids": ["satu"]}, "Pilih tindak lanjut terlebih dahulu."),
        (
            {"action": "carry", "item_ids": [str(item.id)], f"due_on_{item.id}": "31/12/2026"},
            "Batas waktu khusus: Tanggal tidak valid.",
        ),
        ({"action": "pindahkan", "item_ids": [str(item.id)]}, "Lanjutkan atau tutup"),
        ({"action": "evaluation", "day": second.start_date.isoformat()}, "Mulai: "),
    ):
        page = organiser.submit(url, form, follow_redirects=True).get_data(as_text=True)
        assert message in page and "alert-danger" in page, form
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).status == "belum_ditindaklanjuti"
    assert meetings.carried_count(second) == 0
    assert [s.title for s in second.sessions] == []


def test_the_proposed_due_date_is_a_working_day(make_event):
    """A carried decision falls due on a working day: the day before a following meeting that
    opens on a Monday is a Sunday, so the proposal is the Friday before it."""
    today = services.today()
    later = today + timedelta(days=60)
    monday = later + timedelta(days=(7 - later.weekday()) % 7)
    first, second, third = _series(
        make_event, today - timedelta(days=30), today + timedelta(days=10), monday
    )
    assert meetings.default_due_on(second) == monday - timedelta(days=3)
    assert meetings.default_due_on(second).weekday() == 4
    # Without a following meeting: a quarter after the meeting, moved back off a weekend.
    for event in (first, third):
        assert meetings.default_due_on(event).weekday() < 5
    assert meetings.working_day_before(date(2027, 5, 16)) == date(2027, 5, 14)  # Sunday
    assert meetings.working_day_before(date(2027, 5, 15)) == date(2027, 5, 14)  # Saturday
    assert meetings.working_day_before(date(2027, 5, 14)) == date(2027, 5, 14)


def test_the_api_list_gives_each_item_as_its_own_page_gives_it(
    make_event, make_item, city, login_as
):
    today = services.today()
    first, second = _series(make_event, today - timedelta(days=30), today + timedelta(days=30))
    original = make_item(
        city["dpupr"],
        event=first,
        supporting=[city["dinkes"], city["bappeda"]],
        due_on=today - timedelta(days=2),
        title="Jalan lingkar",
    )
    original.target = "12 km"
    late = make_item(city["dinkes"], event=first, due_on=today - timedelta(days=1), title="Late")
    organiser = login_as("organiser")
    (continued,) = meetings.carry_over(second, [original], organiser.user)
    db.session.commit()
    viewer = login_as("viewer")
    listed = {
        item["id"]: item
        for query in ("", "?status=dilanjutkan")
        for item in viewer.get(f"/api/v1/action-items{query}").get_json()["items"]
    }
    assert {original.id, continued.id, late.id} <= listed.keys()
    for item_id in (original.id, continued.id, late.id):
        detail = viewer.get(f"/api/v1/action-items/{item_id}").get_json()
        assert {key: detail[key] for key in listed[item_id]} == listed[item_id]
    assert listed[original.id]["carried_over_to"] == continued.id
    assert listed[continued.id]["carried_over_from"] == original.id
    assert [o["code"] for o in listed[original.id]["supporting_opds"]] == ["BAPPEDA", "DINKES"]
    assert listed[late.id]["overdue"] is True and listed[original.id]["target"] == "12 km"
