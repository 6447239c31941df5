"""The public agenda on a phone, in real Chromium: day tabs, cancelled sessions, calendar links."""

from datetime import date

from playwright.sync_api import expect

from agenda import services, versions
from app.extensions import db


def test_a_participant_browses_the_agenda_day_by_day_on_a_phone(
    live_server, page, make_event, make_room, make_speaker, make_session
):
    event = make_event(
        "retret-2025",
        title="Retret Kepala OPD 2025",
        start=date(2025, 8, 4),
        end=date(2025, 8, 6),
        venue="Akmil Magelang",
    )
    ballroom = make_room(event, "Ballroom")
    zudan = make_speaker("Prof. Dr. Zudan Arif Fakrulloh", position="Kepala BKN")
    make_session(event, "09:30", "10:30", title="Paparan BKN", room=ballroom, speakers=[zudan])
    make_session(event, "07:00", "08:00", day=date(2025, 8, 5), title="Apel Pagi", room=ballroom)
    museum = make_session(event, "15:00", "16:00", day=date(2025, 8, 5), title="Kunjungan Museum")
    services.set_cancelled(museum, True)
    db.session.commit()
    versions.publish(event)
    db.session.commit()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/events/retret-2025/")

    expect(page.get_by_role("heading", name="Retret Kepala OPD 2025")).to_be_visible()
    expect(page.get_by_text("Senin, 4 Agustus 2025 – Rabu, 6 Agustus 2025")).to_be_visible()
    agenda = page.locator(".tab-content")
    expect(agenda.get_by_text("Paparan BKN", exact=True)).to_be_visible()
    expect(agenda.get_by_text("Apel Pagi", exact=True)).to_be_hidden()

    page.get_by_role("tab", name="Hari 2").click()
    expect(page.get_by_role("tab", name="Hari 2")).to_have_attribute("aria-selected", "true")
    expect(agenda.get_by_text("Apel Pagi", exact=True)).to_be_visible()
    expect(agenda.get_by_text("Paparan BKN", exact=True)).to_be_hidden()
    cancelled = page.locator("del", has_text="Kunjungan Museum")
    expect(cancelled).to_be_visible()
    expect(cancelled).to_have_css("text-decoration-line", "line-through")
    expect(page.locator("#hari-2025-08-05").get_by_text("Dibatalkan")).to_be_visible()

    add = page.get_by_role("link", name="Tambahkan ke kalender").first
    expect(add).to_have_attribute(
        "href", live_server.replace("http://", "webcal://") + "/events/retret-2025/agenda.ics"
    )
    # The page fits a phone: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
