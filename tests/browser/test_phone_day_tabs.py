"""At 390 × 844 (a phone) every day of the demo's three-day retreat can be reached: on the
public agenda, on a participant's personal page and in the organiser's builder (issue 15)."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from agenda.demo import seed_events
from app.demo import seed_accounts, seed_opds
from app.extensions import db
from participants.demo import seed_people, seed_registrations
from participants.models import Registration

PHONE = {"width": 390, "height": 844}


def _inside_the_screen(box) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_every_day_of_the_retreat_is_reachable_on_a_phone(live_server, browser, make_user):
    for step in (seed_opds, seed_accounts, seed_people, seed_events, seed_registrations):
        step(lambda _message: None)
    db.session.commit()
    slug = "retret-kepemimpinan-asn"
    context = browser.new_context(locale="id-ID", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()

    page.goto(f"{live_server}/events/{slug}/")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(3)
    for n in (1, 2, 3):
        tab = page.get_by_role("tab", name=re.compile(rf"^Hari {n}"))
        assert _inside_the_screen(tab.bounding_box()), f"tab Hari {n} is off-screen"
        tab.tap()
        expect(page.get_by_role("tabpanel", name=re.compile(rf"^Hari {n}"))).to_be_visible()
    _no_sideways_scroll(page)

    registration = db.session.scalar(
        select(Registration)
        .join(Registration.event)
        .where(Registration.status == "confirmed", Registration.event.has(slug=slug))
    )
    page.goto(f"{live_server}/p/{registration.link_token}/")
    day_headings = page.locator("h3", has_text=re.compile(r"\d{4}|Hari"))
    assert day_headings.count() >= 3
    for index in range(day_headings.count()):
        heading = day_headings.nth(index)
        heading.scroll_into_view_if_needed()
        assert _inside_the_screen(heading.bounding_box())
    _no_sideways_scroll(page)

    organiser = make_user("organiser")
    page.goto(f"{live_server}/login?next=/manage/events/{slug}/")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Kata sandi").fill("correct horse battery")
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    for n in (1, 2, 3):
        link = page.get_by_role("link", name=re.compile(rf"^Hari {n} ·"))
        assert _inside_the_screen(link.bounding_box()), f"builder day {n} is off-screen"
    page.get_by_role("link", name=re.compile(r"^Hari 3 ·")).tap()
    expect(page.get_by_role("link", name=re.compile(r"^Hari 3 ·"))).to_have_attribute(
        "aria-current", "page"
    )
    context.close()
