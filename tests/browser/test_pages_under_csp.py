"""The main pages of every package render and behave under the Content-Security-Policy.

The csp_violations fixture (conftest.py) fails the test on any violation in the console; these
checks show that the behaviour moved out of inline code still works.
"""

from datetime import date

from playwright.sync_api import expect


def test_an_organiser_walks_every_package_with_no_csp_violation(
    live_server,
    page,
    make_user,
    make_event,
    make_room,
    make_session,
    make_registration,
    make_person,
):
    organiser = make_user("organiser")
    event = make_event(
        slug="rakor", title="Rapat Koordinasi", start=date(2025, 8, 4), status="draft"
    )
    make_room(event, "Aula Utama")
    make_room(event, "Ruang Rapat 2")
    make_session(event, "09:00", "10:30", title="Paparan Wali Kota")
    registration = make_registration(event, make_person(email="camat@example.go.id"))

    page.goto(f"{live_server}/login?next=/manage/events/rakor/")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Kata sandi").fill("correct horse battery")
    page.get_by_role("main").get_by_role("button", name="Masuk").click()

    # Builder: the grid is laid out by sinergi.js from data-* attributes (no style attribute).
    block = page.locator(".agenda-block").first
    expect(block).to_contain_text("Paparan Wali Kota")
    assert block.evaluate("el => getComputedStyle(el).gridRowStart") != "auto"
    columns = page.locator(".agenda-grid").evaluate(
        "el => getComputedStyle(el).gridTemplateColumns"
    )
    rooms = page.locator(".agenda-grid .colhead").count() - 1  # rooms (and "no room"), after time
    assert rooms >= 2 and len(columns.split()) == 1 + rooms

    for path in (
        "/",
        "/opd/",
        "/people/",
        "/manage/registrations/",
        "/manage/outbox/",
        f"/manage/events/{event.slug}/registrations/",
        f"/manage/events/{event.slug}/publish",
        f"/events/{event.slug}/print",
        f"/p/{registration.link_token}/",
    ):
        response = page.goto(live_server + path)
        assert response.status == 200, path

    # The print page's button appears with JavaScript, and the WhatsApp copy buttons too.
    page.goto(f"{live_server}/events/{event.slug}/print")
    expect(page.get_by_role("button", name="Cetak")).to_be_visible()
    page.goto(f"{live_server}/manage/events/{event.slug}/whatsapp")
    expect(page.get_by_role("button", name="Salin").first).to_be_visible()


def test_the_role_filter_applies_on_change(live_server, page, make_user):
    admin = make_user("admin")
    make_user("operator", name="Operator Pintu")
    page.goto(f"{live_server}/login?next=/users/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Kata sandi").fill("correct horse battery")
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    page.locator("#role").select_option("operator")
    page.wait_for_url("**role=operator**")
    expect(page.get_by_text("Operator Pintu")).to_be_visible()
