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


WHOLE_OPTION = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const widest = Math.max(...[...select.options].map((o) => context.measureText(o.text).width));
  return room - widest;
}"""


def test_the_mark_choices_are_not_cut(
    live_server, browser, make_user, make_event, make_registration, make_person
):
    """Issue 27: "— hapus keterangan —" showed as "— hapus kete" (on a laptop and a tablet)."""
    event = make_event("rakor-tanda", title="Rakor", start=to_zone(utcnow()).date())
    make_registration(
        event,
        make_person(
            "Prof. Dr. Ir. Bambang Wijaya Kusumawardhana, M.Sc., M.T.",
            position="Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik",
        ),
        status="confirmed",
    )
    for width in (1366, 1024, 390):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server, make_user("organiser"), "/events/rakor-tanda/attendance/list")
        select = page.get_by_label("Keterangan").first
        expect(select).to_be_visible()
        assert select.evaluate(WHOLE_OPTION) >= 0, width
        context.close()
