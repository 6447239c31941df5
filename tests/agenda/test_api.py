"""JSON API: /api/v1/events and /api/v1/events/<slug>/sessions (DESIGN.md contract)."""

from datetime import UTC, datetime, timedelta

from agenda import versions
from app.auth.services import issue_token
from app.extensions import db


def test_api_needs_authentication(client, make_event):
    make_event()
    response = client.get("/api/v1/events")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == 401


def test_bearer_token_lists_published_events_only(app, make_user, make_event, make_session):
    published = make_event(slug="retret-2025", title="Retret Kepemimpinan")
    make_session(published, "09:00", "10:00", title="Apel")
    versions.publish(published)
    make_event(slug="draf", status="draft")
    user = make_user("operator")
    token = issue_token(user)
    db.session.commit()

    response = app.test_client().get("/api/v1/events", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    events = response.get_json()["events"]
    assert [(e["slug"], e["status"], e["version"]) for e in events] == [
        ("retret-2025", "published", 1)
    ]
    assert events[0]["timezone"] == "Asia/Jakarta" and events[0]["start_date"] == "2025-08-04"


def test_sessions_come_from_the_published_version(
    login_as, make_event, make_room, make_session, make_speaker
):
    event = make_event()
    room = make_room(event, "Aula Utama")
    speaker = make_speaker("Prof. Dr. Zudan Arif Fakrulloh")
    session = make_session(
        event,
        "09:00",
        "10:30",
        title="Manajemen ASN",
        room=room,
        speakers=[speaker],
        takes_attendance=True,
    )
    versions.publish(event)
    session.title = "Belum diterbitkan"
    db.session.commit()

    client = login_as("operator")
    data = client.get(f"/api/v1/events/{event.slug}/sessions").get_json()
    assert data["version"] == 1
    (item,) = data["sessions"]
    assert item["id"] == session.id and item["title"] == "Manajemen ASN"
    assert item["room"] == "Aula Utama" and item["takes_attendance"] is True
    assert item["starts_at"] == "2025-08-04T02:00:00Z"  # 09.00 WIB, with its offset
    assert item["ends_at"] == "2025-08-04T03:30:00Z"
    assert item["speakers"][0]["name"] == "Prof. Dr. Zudan Arif Fakrulloh"


def test_draft_events_are_hidden_from_non_organisers(login_as, make_event, make_session):
    event = make_event(status="draft")
    make_session(event, title="Draf")
    assert login_as("viewer").get(f"/api/v1/events/{event.slug}/sessions").status_code == 404
    data = login_as("organiser").get(f"/api/v1/events/{event.slug}/sessions").get_json()
    assert data["version"] is None and [s["title"] for s in data["sessions"]] == ["Draf"]


def test_unknown_event_is_a_json_404(login_as):
    response = login_as("viewer").get("/api/v1/events/tidak-ada/sessions")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404


def test_every_api_time_says_its_offset_in_draft_and_published_agendas(
    login_as, make_event, make_session
):
    event = make_event(status="draft", timezone="Asia/Makassar")
    session = make_session(event, "08:00", "09:15", title="Apel pagi")
    organiser = login_as("organiser")
    draft = organiser.get(f"/api/v1/events/{event.slug}/sessions").get_json()["sessions"]
    versions.publish(event)
    db.session.commit()
    published = organiser.get(f"/api/v1/events/{event.slug}/sessions").get_json()["sessions"]
    for item in draft + published:
        starts, ends = (
            datetime.fromisoformat(item["starts_at"]),
            datetime.fromisoformat(item["ends_at"]),
        )
        assert starts.tzinfo is not None and ends.tzinfo is not None
        # 08.00 WITA is 00.00 UTC: the same instant as the stored session
        assert starts == session.starts_at.replace(tzinfo=UTC)
        assert ends - starts == timedelta(minutes=75)
