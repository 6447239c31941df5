"""The organiser's attendance pages in real Chromium: the dashboard refreshes by itself on a
tablet, and every attendance page renders under the CSP."""

from playwright.sync_api import expect

from app.timeutil import to_zone, utcnow
from tests.browser.helpers import log_in


def test_the_dashboard_refreshes_by_itself_and_the_pages_render(
    live_server,
    browser,
    make_user,
    make_event,
    make_session,
    make_registration,
    make_person,
    check_in,
):
    event = make_event("rakor-live", title="Rakor Live", start=to_zone(utcnow()).date())
    session = make_session(event, "00:00", "23:59", takes_attendance=True, title="Arahan")
    late_comer = make_registration(event, make_person("Ir. Bambang Wijaya"), status="confirmed")
    make_registration(
        event, make_person("Dra. Sri Rahayu", phone="081234567890"), status="confirmed"
    )
    organiser = make_user("organiser")
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="id-ID")
    page = tablet.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, organiser, "/events/rakor-live/attendance")

    door = page.locator(".card", has_text="Pintu masuk")
    expect(door).to_contain_text("0 / 2")
    expect(page.get_by_role("link", name="081234567890")).to_have_attribute(
        "href", "tel:081234567890"
    )
    check_in(late_comer, session)
    expect(door).to_contain_text("1 / 2", timeout=15_000)  # the next poll brings it

    for path in (
        f"/events/rakor-live/attendance/list?session={session.id}",
        f"/events/rakor-live/sessions/{session.id}/projector",
        "/events/rakor-live/certificates",
        "/attendance/",
    ):
        assert page.goto(live_server + path).status == 200, path
    page.goto(f"{live_server}/events/rakor-live/sessions/{session.id}/projector")
    expect(page.locator(".projector-code svg")).to_be_visible()
    tablet.close()
