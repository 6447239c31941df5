"""The organiser plans the assistance week from the ranking, in real Chromium."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from agenda.models import Event
from app.extensions import db
from evaluation.models import EventEvaluation
from tests.browser.helpers import log_in
from tests.evaluation.fixtures import realisation
from tests.evaluation.test_assistance import monday_after


def test_the_organiser_plans_the_assistance_week_from_the_ranking(
    live_server, page, make_user, make_event, make_opd, make_speaker
):
    monday = monday_after(14)
    thursday = monday + timedelta(days=3)
    meeting = make_event(
        "sm-iii", title="Strategic Meeting III", start=monday - timedelta(days=3)
    )  # a Friday to come
    opds = [make_opd(f"OPD-{n}", name=f"Dinas Contoh {n}") for n in range(5)]
    for n, opd in enumerate(opds):  # 31%, 43%, 55%, 67%, 79%
        db.session.add(realisation(opd.id, 1000, 310 + 120 * n, 50))
    db.session.add(EventEvaluation(event_id=meeting.id, year=2026, quarter=3))
    db.session.commit()
    expert = make_speaker("Dr. Aries Prasetyo, M.Si.", position="Tenaga Ahli Wali Kota")
    organiser = make_user("organiser")

    log_in(page, live_server, organiser, "/evaluasi/")
    expect(page.locator("#city-total")).to_have_text("55,0%")
    expect(page.locator("#ranking tbody tr[data-below]")).to_have_count(3)
    page.get_by_role("link", name="Rencanakan asistensi").click()

    # The three under 57% are chosen, lowest first; the week after the meeting is proposed.
    expect(page.locator("input[name=opd_ids]:checked")).to_have_count(3)
    expect(page.get_by_label("Mulai")).to_have_value(monday.isoformat())
    page.get_by_label("Dr. Aries Prasetyo, M.Si.").check()
    page.get_by_role("button", name="Usulkan jadwal").click()
    rows = page.locator("#proposal tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("data-opd", "OPD-0")  # the lowest first
    # One expert: three different slots. Move the last OPD to Thursday afternoon.
    rows.nth(2).locator("select[name^=slot_]").select_option(f"{thursday.isoformat()}T13:00")
    page.get_by_role("button", name="Buat acara asistensi").click()
    expect(page.get_by_text("Jadwal asistensi dibuat: 3 sesi.")).to_be_visible()

    event = db.session.scalar(select(Event).where(Event.kind == "asistensi"))
    titles = sorted((s.starts_at, s.title) for s in event.sessions)
    assert [t for _s, t in titles] == [
        "Asistensi Dinas Contoh 0",
        "Asistensi Dinas Contoh 1",
        "Asistensi Dinas Contoh 2",
    ]
    assert titles[-1][0].date() == thursday
    assert all(s.speaker_links[0].speaker_id == expert.id for s in event.sessions)

    # Back on the planner, the week made is offered; there is no second "create".
    page.goto(f"{live_server}/evaluasi/asistensi?year=2026&quarter=3")
    expect(page.get_by_role("link", name=event.title)).to_be_visible()
    expect(page.get_by_role("button", name="Buat acara asistensi")).to_have_count(0)
    expect(page.get_by_role("button", name="Usulkan jadwal")).to_have_count(0)
