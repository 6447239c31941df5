"""The assistance week: a schedule that never double-books, skips days off, says when the
period is too short, never lies in the past, is made once per meeting and quarter, and becomes
an asistensi event whose findings are the OPD's items."""

from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from agenda.models import Event, Speaker
from agenda.models import Session as AgendaSession
from app.extensions import db
from evaluation.assistance import services as assistance
from evaluation.models import AssistanceWeek, EventEvaluation
from followup.services import today
from participants.models import Registration
from tests.evaluation.fixtures import realisation


def monday_after(days: int) -> date:
    """The first Monday at least ``days`` days from today (in the city's zone)."""
    day = today() + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def monday():
    """A Monday two weeks ahead: dates stay in the future whatever day the suite runs."""
    return monday_after(14)


@pytest.fixture
def experts(make_speaker):
    return [make_speaker(f"Tenaga Ahli {n}", position="Tenaga Ahli Wali Kota") for n in "AB"]


@pytest.fixture
def opds(make_opd):
    return [make_opd(f"OPD-{n:02d}") for n in range(7)]


def test_the_schedule_never_double_books_and_skips_days_off(app, experts, opds, monday):
    wednesday = monday + timedelta(days=2)
    app.config["HOLIDAYS"] = wednesday.isoformat()
    try:
        plan = assistance.propose(opds, experts, monday, monday + timedelta(days=4), "Asia/Jakarta")
    finally:
        app.config["HOLIDAYS"] = ""
    assert len(plan) == 7 and len({a.opd.id for a in plan}) == 7
    assert len({(a.expert.id, a.slot.key) for a in plan}) == 7
    assert all(a.slot.day.weekday() < 5 and a.slot.day != wednesday for a in plan)
    # Lowest first: the first OPD given gets the first slot.
    assert plan[0].opd == opds[0] and plan[0].slot.key == f"{monday.isoformat()}T09:00"


def test_a_period_too_short_says_so(experts, opds, monday):
    saturday = monday + timedelta(days=5)
    with pytest.raises(
        assistance.AssistanceError,
        match="Periode terlalu pendek: 7 OPD perlu jadwal, tersedia 4 slot",
    ):
        assistance.propose(
            opds, experts, saturday, saturday + timedelta(days=2), "Asia/Jakarta"
        )  # Sat–Mon


def test_an_expert_busy_elsewhere_is_not_booked(experts, opds, make_event, make_session, monday):
    other = make_event(start=monday)
    make_session(other, "09:00", "11:00", day=monday, speakers=[experts[0]])
    plan = assistance.propose(opds[:1], experts[:1], monday, monday, "Asia/Jakarta")
    assert [a.slot.key for a in plan] == [f"{monday.isoformat()}T13:00"]  # the morning is taken
    with pytest.raises(assistance.AssistanceError, match="tersedia 1 slot"):
        assistance.propose(opds[:2], experts[:1], monday, monday, "Asia/Jakarta")


def test_an_adjusted_plan_that_double_books_is_refused(experts, opds, monday):
    slot = assistance.Slot(monday, *assistance.DEFAULT_SLOTS[0])
    with pytest.raises(assistance.AssistanceError, match="dua kali pada waktu yang sama"):
        assistance.check(
            [
                assistance.Assignment(opds[0], slot, experts[0]),
                assistance.Assignment(opds[1], slot, experts[0]),
            ]
        )
    saturday = assistance.Slot(monday + timedelta(days=5), *assistance.DEFAULT_SLOTS[0])
    with pytest.raises(assistance.AssistanceError, match="bukan hari kerja"):
        assistance.check([assistance.Assignment(opds[0], saturday, experts[0])])


def test_the_week_becomes_an_asistensi_event_with_heads_invited(
    experts, opds, make_event, make_person, login_as, monday
):
    meeting = make_event("sm-iii", start=monday - timedelta(days=3))  # a Friday to come
    head = make_person("Kepala OPD Nol", opd=opds[0], head="definitif")
    plan = assistance.propose(
        opds[:3], experts, *assistance.default_period(meeting), "Asia/Jakarta"
    )
    event = assistance.create_week(
        meeting, plan, "Asistensi OPD pasca SM III", year=2026, quarter=3
    )
    db.session.commit()
    assert event.kind == "asistensi" and event.start_date == monday  # the Monday after
    body = login_as("viewer").get(f"/api/v1/events/{event.slug}/sessions").get_json()
    assert {s["opd"]["code"] for s in body["sessions"]} == {"OPD-00", "OPD-01", "OPD-02"}
    assert all(s["speakers"][0]["name"].startswith("Tenaga Ahli") for s in body["sessions"])
    assert (
        db.session.scalar(select(Registration.person_id).where(Registration.event_id == event.id))
        == head.id
    )
    # A finding of a slot becomes an item of that slot's OPD: the quick entry starts from it.
    session = db.session.scalar(
        select(AgendaSession).where(
            AgendaSession.event_id == event.id, AgendaSession.opd_id == opds[1].id
        )
    )
    page = (
        login_as("organiser")
        .get(f"/events/{event.slug}/tindak-lanjut?session={session.id}")
        .get_data(as_text=True)
    )
    assert 'value="OPD-01 — Dinas OPD-01"' in page


def test_the_organiser_plans_from_the_ranking_in_one_form(
    make_event, make_opd, experts, login_as, monday
):
    meeting = make_event("sm-iii", start=monday - timedelta(days=3))
    opd_list = [make_opd(f"OPD-{n}") for n in range(4)]
    for n, opd in enumerate(opd_list):
        db.session.add(realisation(opd.id, 100, 30 + 15 * n, 50))
    db.session.add(EventEvaluation(event_id=meeting.id, year=2026, quarter=3))
    db.session.commit()
    organiser = login_as("organiser")
    form = organiser.get("/evaluasi/asistensi").get_data(as_text=True)
    # Preselected: the OPDs under the 57% threshold (30% and 45%).
    assert form.count('name="opd_ids"') == 4 and form.count("checked") == 2
    data = {
        "year": "2026",
        "quarter": "3",
        "opd_ids": [str(o.id) for o in opd_list[:3]],
        "expert_ids": [str(experts[0].id)],
        "start": monday.isoformat(),
        "end": (monday + timedelta(days=4)).isoformat(),
        "action": "propose",
    }
    proposal = organiser.submit("/evaluasi/asistensi", data).get_data(as_text=True)
    assert proposal.count("<tr data-opd=") == 3
    slots = {
        o.id: f"{(monday + timedelta(days=n)).isoformat()}T09:00"
        for n, o in enumerate(opd_list[:3])
    }
    created = organiser.submit(
        "/evaluasi/asistensi",
        {
            **data,
            "action": "create",
            **{f"slot_{i}": k for i, k in slots.items()},
            **{f"expert_{o.id}": str(experts[0].id) for o in opd_list[:3]},
        },
    )
    assert created.status_code == 302
    event = db.session.scalar(select(Event).where(Event.kind == "asistensi"))
    starts = sorted(s.starts_at for s in event.sessions)
    assert [s.date() for s in starts] == [monday + timedelta(days=n) for n in range(3)]
    assert datetime.combine(monday, datetime.min.time()).replace(hour=2) == starts[0]  # 09.00 WIB
    assert (
        db.session.scalar(select(Speaker.name).where(Speaker.id == experts[0].id))
        == "Tenaga Ahli A"
    )


def test_an_expert_from_the_directory_becomes_the_sessions_speaker(
    make_event, make_opd, make_person, login_as, monday
):
    meeting = make_event("sm-iii", start=monday - timedelta(days=3))
    opd = make_opd("OPD-X")
    db.session.add(realisation(opd.id, 100, 30, 20))
    db.session.add(EventEvaluation(event_id=meeting.id, year=2026, quarter=3))
    db.session.commit()
    expert = make_person("Dr. Ratna Dewi, M.Si.", position="Tenaga Ahli Wali Kota Bidang Ekonomi")
    organiser = login_as("organiser")
    assert "Dr. Ratna Dewi, M.Si." in organiser.get("/evaluasi/asistensi").get_data(as_text=True)
    data = {
        "year": "2026",
        "quarter": "3",
        "opd_ids": [str(opd.id)],
        "person_ids": [str(expert.id)],
        "start": monday.isoformat(),
        "end": (monday + timedelta(days=4)).isoformat(),
    }
    page = organiser.submit("/evaluasi/asistensi", {**data, "action": "propose"}).get_data(
        as_text=True
    )
    assert '<tr data-opd="OPD-X">' in page and f'value="p{expert.id}" selected' in page
    # A proposal is a preview: the directory changes only when the week is made.
    assert not db.session.scalar(select(Speaker).where(Speaker.name == "Dr. Ratna Dewi, M.Si."))
    organiser.submit(
        "/evaluasi/asistensi",
        {
            **data,
            "action": "create",
            f"slot_{opd.id}": f"{monday.isoformat()}T09:00",
            f"expert_{opd.id}": f"p{expert.id}",
        },
    )
    event = db.session.scalar(select(Event).where(Event.kind == "asistensi"))
    assert event.sessions[0].speaker_links[0].speaker.name == "Dr. Ratna Dewi, M.Si."
    assert db.session.scalar(select(func.count()).select_from(Speaker)) == 1


def _ranked_meeting(make_event, make_opd, start):
    """A meeting that discussed 2026 TW3, two OPDs under the threshold."""
    meeting = make_event("sm-iii", title="Strategic Meeting III", start=start)
    opds = [make_opd(f"OPD-{n}") for n in range(3)]
    for n, opd in enumerate(opds):  # 30%, 45%, 60%
        db.session.add(realisation(opd.id, 100, 30 + 15 * n, 50))
    db.session.add(EventEvaluation(event_id=meeting.id, year=2026, quarter=3))
    db.session.commit()
    return meeting, opds


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(Event).where(Event.kind == "asistensi")),
        db.session.scalar(select(func.count()).select_from(Speaker)),
    )


def test_the_planner_never_proposes_nor_accepts_a_period_in_the_past(
    make_event, make_opd, experts, login_as
):
    # The meeting was three weeks ago: the week after it has passed.
    meeting, opds = _ranked_meeting(make_event, make_opd, today() - timedelta(days=21))
    organiser = login_as("organiser")
    page = organiser.get("/evaluasi/asistensi").get_data(as_text=True)
    earliest = assistance.earliest_start()
    assert earliest > today() and earliest.weekday() < 5
    assert f'name="start" min="{earliest.isoformat()}" value="{earliest.isoformat()}"' in page
    assert "sudah berjalan atau lewat" in page  # the move is said, not silent
    before = _counts()
    last_week = today() - timedelta(days=7)
    data = {
        "year": "2026",
        "quarter": "3",
        "opd_ids": [str(opds[0].id)],
        "expert_ids": [str(experts[0].id)],
        "start": last_week.isoformat(),
        "end": (last_week + timedelta(days=4)).isoformat(),
        "action": "propose",
    }
    refused = organiser.submit("/evaluasi/asistensi", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "sudah lewat" in html and "<tr data-opd=" not in html
    message = html.split('id="assistance-error">')[1].split("</div>")[0]
    assert message == (
        f"Tanggal mulai {format_date(last_week, 'EEEE, d MMMM y', locale='id')} sudah lewat. "
        f"Asistensi paling cepat dimulai {format_date(earliest, 'EEEE, d MMMM y', locale='id')}."
    )
    today_refused = organiser.submit(
        "/evaluasi/asistensi",
        {**data, "start": today().isoformat(), "end": earliest.isoformat()},
    )
    assert today_refused.status_code == 422
    assert "tidak dapat dimulai hari ini" in today_refused.get_data(as_text=True)
    # An adjusted slot moved into the past is refused too, and nothing is made.
    created = organiser.submit(
        "/evaluasi/asistensi",
        {
            **data,
            "action": "create",
            f"slot_{opds[0].id}": f"{last_week.isoformat()}T09:00",
            f"expert_{opds[0].id}": str(experts[0].id),
        },
    )
    assert created.status_code == 422 and "sudah lewat" in created.get_data(as_text=True)
    assert _counts() == before
    # The service refuses it whoever calls it.
    with pytest.raises(assistance.AssistanceError, match="sudah lewat"):
        assistance.propose(opds, experts, last_week, earliest, "Asia/Jakarta")


def test_a_second_week_for_the_same_meeting_and_quarter_is_refused_and_offered(
    make_event, make_opd, experts, login_as, monday
):
    meeting, opds = _ranked_meeting(make_event, make_opd, monday - timedelta(days=3))
    organiser = login_as("organiser")
    data = {
        "year": "2026",
        "quarter": "3",
        "opd_ids": [str(opds[0].id)],
        "expert_ids": [str(experts[0].id)],
        "action": "create",
        f"slot_{opds[0].id}": f"{monday.isoformat()}T09:00",
        f"expert_{opds[0].id}": str(experts[0].id),
    }
    assert organiser.submit("/evaluasi/asistensi", data).status_code == 302
    week = db.session.scalar(select(Event).where(Event.kind == "asistensi"))
    link = db.session.scalar(select(AssistanceWeek))
    assert (link.event_id, link.meeting_id, link.year, link.quarter) == (
        week.id,
        meeting.id,
        2026,
        3,
    )
    # The page offers the week made instead of a second "create".
    page = organiser.get("/evaluasi/asistensi?year=2026&quarter=3").get_data(as_text=True)
    assert f'href="/manage/events/{week.slug}/"' in page and "sudah dibuat" in page
    assert "Buat acara asistensi" not in page and "Usulkan jadwal" not in page
    # A second create (an old tab, a double click) is refused and changes nothing.
    again = organiser.submit(
        "/evaluasi/asistensi",
        {**data, f"slot_{opds[0].id}": f"{(monday + timedelta(days=1)).isoformat()}T09:00"},
    )
    assert again.status_code == 422 and "sudah dibuat" in again.get_data(as_text=True)
    assert _counts()[0] == 1
    with pytest.raises(assistance.AssistanceError, match="sudah dibuat"):
        plan = assistance.propose(opds[1:2], experts, monday, monday, "Asia/Jakarta")
        assistance.create_week(meeting, plan, "Lagi", year=2026, quarter=3)
    db.session.rollback()
    # Another quarter's ranking after the same meeting is another week.
    plan = assistance.propose(opds[1:2], experts, monday, monday, "Asia/Jakarta")
    assistance.create_week(meeting, plan, "TW4", year=2026, quarter=4)
    db.session.commit()
    assert _counts()[0] == 2


def test_a_refused_plan_leaves_the_speaker_directory_unchanged(
    make_event, make_opd, make_person, login_as, monday
):
    meeting, opds = _ranked_meeting(make_event, make_opd, monday - timedelta(days=3))
    expert = make_person("Dr. Ratna Dewi, M.Si.", position="Tenaga Ahli Wali Kota Bidang Ekonomi")
    organiser = login_as("organiser")
    before = _counts()
    data = {
        "year": "2026",
        "quarter": "3",
        "opd_ids": [str(o.id) for o in opds],
        "person_ids": [str(expert.id)],
        "start": monday.isoformat(),
        "end": monday.isoformat(),  # one day, one expert: two slots for three OPDs
        "action": "propose",
    }
    refused = organiser.submit("/evaluasi/asistensi", data)
    assert refused.status_code == 422 and "Periode terlalu pendek" in refused.get_data(as_text=True)
    assert _counts() == before
    # A create that the schedule check refuses (the same slot twice for one expert) too.
    slot = f"{monday.isoformat()}T09:00"
    refused = organiser.submit(
        "/evaluasi/asistensi",
        {
            **data,
            "opd_ids": [str(o.id) for o in opds[:2]],
            "action": "create",
            **{f"slot_{o.id}": slot for o in opds[:2]},
            **{f"expert_{o.id}": f"p{expert.id}" for o in opds[:2]},
        },
    )
    assert refused.status_code == 422
    assert "dua kali pada waktu yang sama" in refused.get_data(as_text=True)
    assert _counts() == before


def test_bad_planner_input_gets_a_message_and_changes_nothing(
    make_event, make_opd, experts, login_as, monday
):
    _ranked_meeting(make_event, make_opd, monday - timedelta(days=3))
    organiser = login_as("organiser")
    response = organiser.submit(
        "/evaluasi/asistensi",
        {"year": "2026", "quarter": "3", "start": "kemarin", "action": "propose"},
    )
    assert response.status_code == 422 and "Tanggal tidak valid" in response.get_data(as_text=True)
    assert _counts()[0] == 0
