"""Public and personal pages pass axe-core's WCAG 2 A/AA rules (issue 15). axe-core comes from
npm (a dev dependency, never served by the app) and runs inside the test page only."""

from pathlib import Path

import pytest
from sqlalchemy import select

from agenda.demo import seed_events
from app.demo import seed_accounts, seed_opds
from app.extensions import db
from participants.demo import seed_people, seed_registrations
from participants.models import Registration

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    # evaluate() runs outside the page's CSP, so the app never has to allow the script.
    page.evaluate(AXE.read_text())
    found = page.evaluate("options => axe.run(document, options)", RULES)["violations"]
    return [
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:120]}"
        for v in found
        for node in v["nodes"]
    ]


@pytest.fixture
def demo(app):
    for step in (seed_opds, seed_accounts, seed_people, seed_events, seed_registrations):
        step(lambda _message: None)
    db.session.commit()


def test_public_and_personal_pages_have_no_accessibility_violations(live_server, page, demo):
    registration = db.session.scalar(select(Registration).where(Registration.status == "confirmed"))
    urls = [
        "/login",
        "/events/",
        "/events/retret-kepemimpinan-asn/",
        "/events/strategic-meeting-iii/",
        f"/p/{registration.link_token}/",
    ]
    problems = {}
    for url in urls:
        page.goto(f"{live_server}{url}")
        found = violations(page)
        if found:
            problems[url] = found
    assert problems == {}


def test_the_pages_staff_open_first_have_no_accessibility_violations(live_server, browser):
    """The organiser's home, the scanner, the OPD workspace and the pimpinan dashboard (the pages
    Lighthouse measures, bench/lighthouse_bench.py), with the menu bar open and closed."""
    from app.extensions import limiter
    from tests.pages import PASSWORD, seed_demo

    accounts = seed_demo()
    db.session.commit()
    problems = {}
    for role, first_page in (
        ("organiser", "/"),
        ("operator", "/attendance/"),
        ("opd", "/tindak-lanjut/"),
        ("viewer", "/tindak-lanjut/dasbor"),
    ):
        limiter.reset()
        context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.get_by_label("Email").fill(accounts[role])
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{live_server}/")
        page.goto(live_server + first_page)
        if role == "operator":  # the scanner of the event on today's list
            page.get_by_role("link", name="Pindai pass").first.click()
            page.wait_for_url("**/scan/")
        found = violations(page)
        menu = page.locator("[data-nav-desktop] summary")
        if menu.count():
            menu.first.click()  # an open dropdown is checked too
            found += violations(page)
        if found:
            problems[f"{role} {page.url}"] = found
        context.close()
    assert problems == {}
