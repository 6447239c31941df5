"""An authorisation matrix generated from the app's URL map: every GET route, filled with real
objects, for every role. A new route cannot escape it: a route anonymous visitors may open must
be named public here, and an OPD user must never read another OPD's follow-up."""

import pytest
from sqlalchemy import select

from app.extensions import db
from followup import services as followup
from followup.models import Evidence, ProgressUpdate
from tests.files import pdf

PDF = pdf()
# Open to anyone: the participant's own pages (the link token is the secret), the public
# agenda and calendars, self check-in and certificate checks, login, health, assets.
PUBLIC = (
    "static",
    "core.healthz",
    "core.favicon",
    "core.choose_language",
    "auth.login",
    "public.",
    "personal.",
    "attendance.self_checkin.check_in",
    "attendance.certificates.verify",
    "attendance.certificates.own",
)
ROLES = ("viewer", "operator", "opd", "organiser", "admin")


@pytest.fixture
def world(
    make_event,
    make_session,
    make_registration,
    make_opd,
    make_person,
    make_speaker,
    make_user,
    make_room,
):
    """One object of each kind a route can name, plus another OPD's follow-up item."""
    own, other = make_opd("OWN"), make_opd("OTHER")
    event = make_event("acara")
    room = make_room(event)
    session = make_session(event, "09:00", "10:00", room=room)
    person = make_person(opd=own)
    registration = make_registration(event, person, status="confirmed")
    speaker = make_speaker()
    mine = followup.create_item(event, title="Milik OWN", lead_opd=own)
    theirs = followup.create_item(event, title="Milik OTHER", lead_opd=other)
    db.session.flush()
    update = followup.submit_update(
        theirs, opd=other, author=None, progress=10, narrative="x", files=[(PDF, "b.pdf")]
    )
    db.session.commit()
    evidence = db.session.scalar(select(Evidence).where(Evidence.update_id == update.id))
    user = make_user("viewer")
    return {
        "own": own,
        "other": other,
        "mine": mine,
        "theirs": theirs,
        "values": {
            "slug": event.slug,
            "session_id": session.id,
            "room_id": room.id,
            "registration_id": registration.id,
            "person_id": person.id,
            "speaker_id": speaker.id,
            "feed_token": speaker.feed_token,
            "token": registration.link_token,
            "item_id": mine.id,
            "evidence_id": evidence.id,
            "opd_id": own.id,
            "user_id": user.id,
            "series_id": 1,
            "program_id": 1,
            "message_id": 1,
            "window": 0,
            "code": "x",
            "lang": "en",
            "name": "x.eml",
            "part": "1",
            "filename": "sinergi.css",
        },
    }


def _url(rule, values):
    for fmt in ("pdf", "xlsx", "csv", "ics"):
        try:
            args = {k: values.get(k, fmt if k == "fmt" else None) for k in rule.arguments}
            return rule.build(args, append_unknown=False)[1]
        except (ValueError, TypeError):
            continue
    return None


def _get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods]


def test_anonymous_visitors_reach_only_the_public_routes(app, client, world):
    leaks, errors = [], []
    for rule in _get_rules(app):
        url = _url(rule, world["values"])
        if url is None:
            continue
        status = client.get(url).status_code
        if status >= 500:
            errors.append((rule.endpoint, status))
        elif status == 200 and not rule.endpoint.startswith(PUBLIC):
            leaks.append(rule.endpoint)
    assert errors == [] and leaks == []


@pytest.mark.parametrize("role", ROLES)
def test_no_route_fails_for_any_role(app, login_as, world, role):
    kwargs = {"opd": world["own"]} if role == "opd" else {}
    user = login_as(role, **kwargs)
    errors = []
    for rule in _get_rules(app):
        url = _url(rule, world["values"])
        if url is not None and (status := user.get(url).status_code) >= 500:
            errors.append((rule.endpoint, status))
    assert errors == []


def test_an_opd_user_reads_nothing_of_another_opds_follow_up(app, login_as, world):
    user = login_as("opd", opd=world["own"])
    theirs = world["theirs"]
    values = dict(world["values"], item_id=theirs.id, opd_id=world["other"].id)
    reached = []
    for rule in _get_rules(app):
        if not ({"item_id", "evidence_id", "opd_id"} & set(rule.arguments)):
            continue
        url = _url(rule, values)
        if url is not None and user.get(url).status_code == 200:
            reached.append(rule.endpoint)
    assert reached == []
    # Its own item it does see, and the list holds nothing else.
    assert user.get(f"/tindak-lanjut/{world['mine'].id}").status_code == 200
    body = user.get("/api/v1/action-items").get_json()
    assert [i["title"] for i in body["items"]] == ["Milik OWN"]
    assert db.session.scalar(select(ProgressUpdate.review)) == "pending"


def test_every_route_answers_with_the_security_headers(app, login_as, world):
    admin = login_as("admin")
    missing = []
    for rule in _get_rules(app):
        url = _url(rule, world["values"])
        if url is None:
            continue
        headers = admin.get(url).headers
        if (
            "unsafe-inline" in headers.get("Content-Security-Policy", "unsafe-inline")
            or headers.get("X-Content-Type-Options") != "nosniff"
        ):
            missing.append(rule.endpoint)
    assert missing == []


def test_every_form_post_without_its_csrf_token_is_refused(app, login_as, world):
    """Logged in as admin (allowed everything), a POST lacking the token changes nothing."""
    admin = login_as("admin")
    accepted = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "auth.login":
            continue
        url = _url(rule, world["values"])
        if url is not None and admin.post(url, data={}).status_code not in (400, 404, 405):
            accepted.append(rule.endpoint)
    assert accepted == []
