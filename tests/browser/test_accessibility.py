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
