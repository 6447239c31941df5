"""Every page of the URL map with its arguments filled from the demo city (``flask seed demo``).

Used by the browser test that checks that every page fits its screen and by the test that
read-only pages refuse POST. A rule whose arguments cannot be filled from the demo (a rotating
self check-in code, a mailbox file) is left out, as are downloads (``fmt``).
"""

from sqlalchemy import func, select

from agenda.models import Event, EventSeries, Room, Speaker
from agenda.models import Session as AgendaSession
from app.auth.models import OPD, User
from app.cli import run_demo
from app.demo import DEMO_PASSWORD, demo_opd_email
from app.extensions import db
from followup.models import ActionItem, Evidence, PriorityProgram
from participants.models import OutboundMessage, Person, Registration

# The demo's accounts, one per role (DESIGN.md); the OPD account is the one of the OPD that
# leads the most action items, so that its pages have something on them.
ROLE_EMAILS = {
    "admin": "admin@demo.test",
    "organiser": "panitia@demo.test",
    "operator": "operator@demo.test",
    "viewer": "pimpinan@demo.test",
}
PASSWORD = DEMO_PASSWORD
# Pages for events: the past quarterly meeting (minutes, items, attendance) and the 3-day retreat.
EVENT_SLUGS = ("strategic-meeting-iii", "retret-kepemimpinan-asn")


def seed_demo() -> dict[str, str]:
    """Load the demo city; return the e-mail of the demo account of each role."""
    run_demo(lambda _message: None)
    lead = db.session.execute(
        select(ActionItem.lead_opd_id, func.count())
        .group_by(ActionItem.lead_opd_id)
        .order_by(func.count().desc(), ActionItem.lead_opd_id)
    ).first()[0]
    opd_user = db.session.scalar(select(User).where(User.role == OPD, User.opd_id == lead))
    assert opd_user.email == demo_opd_email(opd_user.opd.code)
    return {**ROLE_EMAILS, "opd": opd_user.email}


def _first_id(model, *where):
    return db.session.scalar(select(model.id).where(*where).order_by(model.id).limit(1))


def _values(event: Event, opd_id: int) -> dict[str, object]:
    registration = db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.id)
        .limit(1)
    )
    return {
        "slug": event.slug,
        "session_id": _first_id(AgendaSession, AgendaSession.event_id == event.id),
        "room_id": _first_id(Room, Room.event_id == event.id),
        "registration_id": registration.id if registration else None,
        "token": registration.link_token if registration else None,
        "opd_id": opd_id,
        "series_id": _first_id(EventSeries),
        "speaker_id": _first_id(Speaker),
        "feed_token": db.session.scalar(select(Speaker.feed_token).order_by(Speaker.id).limit(1)),
        "person_id": _first_id(Person),
        "user_id": _first_id(User),
        "item_id": _first_id(ActionItem, ActionItem.lead_opd_id == opd_id),
        "evidence_id": _first_id(Evidence),
        "program_id": _first_id(PriorityProgram),
        "message_id": _first_id(OutboundMessage),
    }


def page_urls(app, opd_id: int) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET rule whose arguments the demo can fill, each event page once
    per demo event (``EVENT_SLUGS``)."""
    events = [db.session.scalar(select(Event).where(Event.slug == slug)) for slug in EVENT_SLUGS]
    fills = [_values(event, opd_id) for event in events]
    urls: dict[str, str] = {}
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            for values in fills if "slug" in rule.arguments else fills[:1]:
                args = {name: values.get(name) for name in rule.arguments}
                if any(value is None for value in args.values()):
                    continue  # unknown in the demo (fmt, lang, window, code, name, part …)
                url = url_for(rule.endpoint, **args)
                urls[url] = rule.endpoint
    return [(endpoint, url) for url, endpoint in urls.items()]
