"""The assistance week: a schedule that never double-books, skips days off, says when the
period is too short, and becomes an asistensi event whose findings are the OPD's items."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from agenda.models import Event, Speaker
from agenda.models import Session as AgendaSession
from app.extensions import db
from followup.evaluation import assistance
from participants.models import Registration
from tests.followup.fixtures import realisation


@pytest.fixture
def experts(make_speaker):
    return [make_speaker(f"Tenaga Ahli {n}", position="Tenaga Ahli Wali Kota") for n in "AB"]


@pytest.fixture
def opds(make_opd):
    return [make_opd(f"OPD-{n:02d}") for n in range(7)]


def test_the_schedule_never_double_books_and_skips_days_off(app, experts, opds):
    app.config["HOLIDAYS"] = "2026-11-18"  # a Wednesday
    try:
        plan = assistance.propose(
            opds, experts, date(2026, 11, 16), date(2026, 11, 20), "Asia/Jakarta"
        )
    finally:
        app.config["HOLIDAYS"] = ""
    assert len(plan) == 7 and len({a.opd.id for a in plan}) == 7
    assert len({(a.expert.id, a.slot.key) for a in plan}) == 7
    assert all(a.slot.day.weekday() < 5 and a.slot.day != date(2026, 11, 18) for a in plan)
    # Lowest first: the first OPD given gets the first slot.
    assert plan[0].opd == opds[0] and plan[0].slot.key == "2026-11-16T09:00"


def test_a_period_too_short_says_so(experts, opds):
    with pytest.raises(
        assistance.AssistanceError,
        match="Periode terlalu pendek: 7 OPD perlu jadwal, tersedia 4 slot",
    ):
        assistance.propose(
            opds, experts, date(2026, 11, 21), date(2026, 11, 23), "Asia/Jakarta"
        )  # Sat–Mon


def test_an_expert_busy_elsewhere_is_not_booked(experts, opds, make_event, make_session):
    other = make_event(start=date(2026, 11, 16))
    make_session(other, "09:00", "11:00", day=date(2026, 11, 16), speakers=[experts[0]])
    plan = assistance.propose(
        opds[:1], experts[:1], date(2026, 11, 16), date(2026, 11, 16), "Asia/Jakarta"
    )
    assert [a.slot.key for a in plan] == ["2026-11-16T13:00"]  # the morning is taken
    with pytest.raises(assistance.AssistanceError, match="tersedia 1 slot"):
        assistance.propose(
            opds[:2], experts[:1], date(2026, 11, 16), date(2026, 11, 16), "Asia/Jakarta"
        )


def test_an_adjusted_plan_that_double_books_is_refused(experts, opds):
    slot = assistance.Slot(date(2026, 11, 16), *assistance.DEFAULT_SLOTS[0])
    with pytest.raises(assistance.AssistanceError, match="dua kali pada waktu yang sama"):
        assistance.check(
            [
                assistance.Assignment(opds[0], slot, experts[0]),
                assistance.Assignment(opds[1], slot, experts[0]),
            ]
        )
    saturday = assistance.Slot(date(2026, 11, 21), *assistance.DEFAULT_SLOTS[0])
    with pytest.raises(assistance.AssistanceError, match="bukan hari kerja"):
        assistance.check([assistance.Assignment(opds[0], saturday, experts[0])])


def test_the_week_becomes_an_asistensi_event_with_heads_invited(
    experts, opds, make_event, make_person, login_as
):
    meeting = make_event("sm-iii", start=date(2026, 11, 13))
    head = make_person("Kepala OPD Nol", opd=opds[0], head="definitif")
    plan = assistance.propose(
        opds[:3], experts, *assistance.default_period(meeting), "Asia/Jakarta"
    )
    event = assistance.create_week(meeting, plan, "Asistensi OPD pasca SM III")
    db.session.commit()
    assert event.kind == "asistensi" and event.start_date == date(2026, 11, 16)  # the Monday after
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


def test_the_organiser_plans_from_the_ranking_in_one_form(make_event, make_opd, experts, login_as):
    from followup.evaluation.models import EventEvaluation

    meeting = make_event("sm-iii", start=date(2026, 11, 13))
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
        "start": "2026-11-16",
        "end": "2026-11-20",
        "action": "propose",
    }
    proposal = organiser.submit("/evaluasi/asistensi", data).get_data(as_text=True)
    assert proposal.count("<tr data-opd=") == 3
    slots = {o.id: f"2026-11-1{6 + n}T09:00" for n, o in enumerate(opd_list[:3])}
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
    assert [s.date() for s in starts] == [
        date(2026, 11, 16),
        date(2026, 11, 17),
        date(2026, 11, 18),
    ]
    assert datetime(2026, 11, 16, 2, 0) == starts[0]  # 09.00 WIB
    assert (
        db.session.scalar(select(Speaker.name).where(Speaker.id == experts[0].id))
        == "Tenaga Ahli A"
    )


def test_an_expert_from_the_directory_becomes_the_sessions_speaker(
    make_event, make_opd, make_person, login_as
):
    from followup.evaluation.models import EventEvaluation

    meeting = make_event("sm-iii", start=date(2026, 11, 13))
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
        "start": "2026-11-16",
        "end": "2026-11-20",
    }
    page = organiser.submit("/evaluasi/asistensi", {**data, "action": "propose"}).get_data(
        as_text=True
    )
    speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Dr. Ratna Dewi, M.Si."))
    assert speaker is not None and '<tr data-opd="OPD-X">' in page
    organiser.submit(
        "/evaluasi/asistensi",
        {
            **data,
            "action": "create",
            f"slot_{opd.id}": "2026-11-16T09:00",
            f"expert_{opd.id}": str(speaker.id),
        },
    )
    event = db.session.scalar(select(Event).where(Event.kind == "asistensi"))
    assert event.sessions[0].speaker_links[0].speaker.name == "Dr. Ratna Dewi, M.Si."
