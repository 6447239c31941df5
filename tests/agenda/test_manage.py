"""Organiser pages: events, sessions, rooms, speakers, publication. Only organisers and admins."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from agenda import services, versions
from agenda.models import AgendaVersion, Event, Room, Session, Speaker
from app.extensions import db
from app.timeutil import to_zone


def test_organiser_creates_an_event_with_a_generated_slug(login_as):
    organiser = login_as("organiser")
    response = organiser.submit(
        "/manage/events/new",
        {
            "title": "Strategic Meeting III",
            "kind": "strategic_meeting",
            "series": "Strategic Meeting 2025",
            "start_date": "2025-11-15",
            "end_date": "2025-11-15",
            "timezone": "Asia/Jakarta",
            "venue": "Hotel Aston Batu",
            "organiser_opd_id": "0",
        },
    )
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/manage/events/strategic-meeting-iii/"
    )
    event = db.session.scalar(select(Event))
    assert (event.status, event.series.title, event.venue) == (
        "draft",
        "Strategic Meeting 2025",
        "Hotel Aston Batu",
    )
    # The same title again gets its own address.
    organiser.submit(
        "/manage/events/new",
        {
            "title": "Strategic Meeting III",
            "kind": "strategic_meeting",
            "start_date": "2026-02-10",
            "end_date": "2026-02-10",
            "timezone": "Asia/Jakarta",
            "organiser_opd_id": "0",
        },
    )
    assert set(db.session.scalars(select(Event.slug))) == {
        "strategic-meeting-iii",
        "strategic-meeting-iii-2",
    }


def test_event_end_before_start_is_refused(login_as):
    organiser = login_as("organiser")
    response = organiser.submit(
        "/manage/events/new",
        {
            "title": "Retret",
            "kind": "retret",
            "start_date": "2025-05-18",
            "end_date": "2025-05-16",
            "timezone": "Asia/Jakarta",
            "organiser_opd_id": "0",
        },
    )
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai" in response.get_data(as_text=True)
    assert db.session.scalar(select(Event)) is None


def test_organiser_adds_a_session_with_speakers_and_sees_it_in_the_builder(
    login_as, make_event, make_room, make_speaker
):
    organiser = login_as("organiser")
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 18), status="draft")
    aula = make_room(event, "Aula Utama")
    zudan = make_speaker("Prof. Dr. Zudan Arif Fakrulloh")
    response = organiser.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {
            "title": "Manajemen ASN",
            "kind": "plenary",
            "day": "2025-05-17",
            "start_time": "10:45",
            "end_time": "12:15",
            "room_id": str(aula.id),
            "track": "",
            "takes_attendance": "y",
            "description": "",
            "speakers-0-speaker_id": str(zudan.id),
            "speakers-0-role": "narasumber",
            "speakers-1-speaker_id": "0",
            "speakers-1-role": "narasumber",
            "speakers-2-speaker_id": "0",
            "speakers-2-role": "narasumber",
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(select(Session))
    local = to_zone(session.starts_at, event.timezone).replace(tzinfo=None)
    assert local == datetime(2025, 5, 17, 10, 45)
    assert [(link.speaker.name, link.role) for link in session.speaker_links] == [
        (zudan.name, "narasumber")
    ]
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Manajemen ASN" in page
        and "10.45–12.15 WIB" in page
        and "Prof. Dr. Zudan Arif Fakrulloh" in page
    )


def test_a_speaker_chosen_twice_speaks_once_in_the_order_given(login_as, make_event, make_speaker):
    organiser = login_as("organiser")
    event = make_event(start=date(2025, 5, 16))
    moderator, speaker = make_speaker("Dra. Moderator"), make_speaker("Dr. Pembicara")
    organiser.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {
            "title": "Diskusi panel",
            "kind": "plenary",
            "day": "2025-05-16",
            "start_time": "09:00",
            "end_time": "10:00",
            "speakers-0-speaker_id": str(moderator.id),
            "speakers-0-role": "moderator",
            "speakers-1-speaker_id": str(speaker.id),
            "speakers-1-role": "narasumber",
            "speakers-2-speaker_id": str(moderator.id),
            "speakers-2-role": "narasumber",
        },
    )
    session = db.session.scalar(select(Session))
    assert [(link.speaker.name, link.role) for link in session.speaker_links] == [
        ("Dra. Moderator", "moderator"),
        ("Dr. Pembicara", "narasumber"),
    ]


def test_session_ending_before_it_starts_runs_past_midnight(login_as, make_event):
    organiser = login_as("organiser")
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 17))
    organiser.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {
            "title": "Jaga malam",
            "kind": "field",
            "day": "2025-05-16",
            "start_time": "22:00",
            "end_time": "01:00",
            "room_id": "0",
        },
    )
    session = db.session.scalar(select(Session))
    assert to_zone(session.ends_at, event.timezone).replace(tzinfo=None) == datetime(
        2025, 5, 17, 1, 0
    )


def test_saving_a_conflicting_session_warns_the_organiser(
    login_as, make_event, make_room, make_session
):
    organiser = login_as("organiser")
    event = make_event()
    room = make_room(event, "Ballroom")
    make_session(event, "09:00", "10:00", room=room, title="Pembukaan")
    response = organiser.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {
            "title": "Paparan",
            "kind": "plenary",
            "day": "2025-08-04",
            "start_time": "09:30",
            "end_time": "10:30",
            "room_id": str(room.id),
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Bentrok: Ballroom dipakai dua sesi sekaligus: Pembukaan dan Paparan." in page


def test_move_nudge_duplicate_cancel_and_delete(login_as, make_event, make_room, make_session):
    organiser = login_as("organiser")
    event = make_event(start=date(2025, 8, 4), end=date(2025, 8, 5))
    a, b = make_room(event, "A"), make_room(event, "B")
    session = make_session(event, "09:00", "10:00", room=a, title="Evaluasi")
    base = f"/manage/events/{event.slug}/sessions/{session.id}"

    organiser.submit(
        f"{base}/move", {"day": "2025-08-05", "start_time": "13:30", "room_id": str(b.id)}
    )
    db.session.refresh(session)
    start, end = (
        to_zone(t, event.timezone).replace(tzinfo=None)
        for t in (session.starts_at, session.ends_at)
    )
    assert (start, end, session.room_id) == (
        datetime(2025, 8, 5, 13, 30),
        datetime(2025, 8, 5, 14, 30),
        b.id,
    )

    organiser.submit(f"{base}/nudge/-15")
    db.session.refresh(session)
    assert to_zone(session.starts_at, event.timezone).strftime("%H:%M") == "13:15"

    response = organiser.submit(f"{base}/duplicate")
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    assert db.session.query(Session).filter_by(event_id=event.id, title="Evaluasi").count() == 2

    organiser.submit(f"{base}/cancel")
    db.session.refresh(session)
    assert session.cancelled
    session_id = session.id
    organiser.submit(f"{base}/delete")
    db.session.expire_all()
    assert db.session.get(Session, session_id) is None


def test_publishing_with_a_conflict_needs_confirmation(
    login_as, make_event, make_room, make_session
):
    organiser = login_as("organiser")
    event = make_event(status="draft")
    room = make_room(event)
    make_session(event, "09:00", "10:00", room=room)
    make_session(event, "09:30", "10:30", room=room)
    page = organiser.get(f"/manage/events/{event.slug}/publish").get_data(as_text=True)
    assert "dipakai dua sesi sekaligus" in page

    response = organiser.submit(f"/manage/events/{event.slug}/publish", {"note": ""})
    assert "Centang konfirmasi" in response.get_data(as_text=True)
    assert db.session.scalar(select(AgendaVersion)) is None

    response = organiser.submit(
        f"/manage/events/{event.slug}/publish", {"note": "v1", "confirm_conflicts": "y"}
    )
    assert response.status_code == 302
    version = db.session.scalar(select(AgendaVersion))
    assert version.number == 1 and version.published_by_id == organiser.user.id
    db.session.refresh(event)
    assert event.status == "published"


def test_publish_page_previews_the_change_list(login_as, make_event, make_session):
    organiser = login_as("organiser")
    event = make_event()
    session = make_session(event, "09:00", "10:00", title="Paparan BKN")
    versions.publish(event)
    services.move_session(session, starts_at=session.starts_at.replace(hour=3), room_id=None)
    db.session.commit()
    page = organiser.get(f"/manage/events/{event.slug}/publish").get_data(as_text=True)
    assert "Jadwal sesi Paparan BKN pada Sen, 4 Agu diubah: 09.00–10.00 → 10.00–11.00" in page


def test_rooms_and_speakers_are_managed_from_the_builder(login_as, make_event, make_session):
    organiser = login_as("organiser")
    event = make_event()
    organiser.submit(
        f"/manage/events/{event.slug}/rooms", {"name": "Ruang Kelas A", "capacity": "60"}
    )
    room = db.session.scalar(select(Room))
    assert (room.name, room.capacity, room.event_id) == ("Ruang Kelas A", 60, event.id)
    session = make_session(event, room=room)
    organiser.submit(f"/manage/events/{event.slug}/rooms/{room.id}/delete")
    db.session.refresh(session)
    assert session.room_id is None

    organiser.submit(
        "/manage/speakers/new",
        {"name": "dr. Agus Ali Fauzi", "position": "Dokter Ahli Paliatif", "institution": "RSDS"},
    )
    assert db.session.scalar(select(Speaker.name)) == "dr. Agus Ali Fauzi"
    assert "dr. Agus Ali Fauzi" in organiser.get("/manage/speakers/?q=agus").get_data(as_text=True)


def test_other_roles_cannot_edit_agendas(login_as, make_event, make_session):
    event = make_event()
    session = make_session(event)
    urls_get = [
        "/manage/events/new",
        f"/manage/events/{event.slug}/",
        f"/manage/events/{event.slug}/edit",
        f"/manage/events/{event.slug}/publish",
        "/manage/speakers/",
    ]
    urls_post = [
        f"/manage/events/{event.slug}/sessions/{session.id}/delete",
        f"/manage/events/{event.slug}/publish",
    ]
    for role in ("viewer", "operator", "opd"):
        client = login_as(role)
        for url in urls_get:
            assert client.get(url).status_code == 403, (role, url)
        for url in urls_post:
            assert client.submit(url).status_code == 403, (role, url)
    assert db.session.get(Session, session.id) is not None
    assert db.session.scalar(select(AgendaVersion)) is None


def test_anonymous_users_are_sent_to_login_for_manage_pages(client, make_event):
    event = make_event()
    response = client.get(f"/manage/events/{event.slug}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_copy_event_form(login_as, make_event, make_session):
    organiser = login_as("organiser")
    event = make_event()
    make_session(event, "09:00", "10:00", title="Evaluasi")
    response = organiser.submit(
        f"/manage/events/{event.slug}/copy",
        {"title": "Strategic Meeting IV", "start_date": "2025-11-03"},
    )
    assert response.headers["Location"] == "/manage/events/strategic-meeting-iv/"
    copy = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iv"))
    assert copy.start_date == date(2025, 11, 3) and [s.title for s in copy.sessions] == ["Evaluasi"]


def test_builder_runs_constant_queries(
    login_as, make_event, make_room, make_session, make_speaker, count_queries
):
    organiser = login_as("organiser")
    event = make_event()
    room = make_room(event)
    speaker = make_speaker()
    make_session(event, "08:00", "08:30", room=room, speakers=[speaker])
    with count_queries() as few:
        assert organiser.get(f"/manage/events/{event.slug}/").status_code == 200
    for hour in range(9, 18):
        make_session(
            event,
            f"{hour:02d}:00",
            f"{hour:02d}:30",
            room=make_room(event, f"R{hour}"),
            speakers=[make_speaker()],
        )
    with count_queries() as many:
        assert organiser.get(f"/manage/events/{event.slug}/").status_code == 200
    assert many.count == few.count


def test_editing_a_session_leaves_an_audit_entry_with_before_and_after(
    login_as, make_event, make_speaker
):
    from app.audit.models import AuditEntry

    organiser = login_as("organiser")
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 16))
    zudan = make_speaker("Prof. Dr. Zudan Arif Fakrulloh")
    form = {
        "title": "Manajemen ASN",
        "kind": "plenary",
        "day": "2025-05-16",
        "start_time": "10:45",
        "end_time": "12:15",
        "room_id": "0",
        "speakers-0-speaker_id": "0",
        "speakers-0-role": "narasumber",
    }
    organiser.submit(f"/manage/events/{event.slug}/sessions/new", form)
    session = db.session.scalar(select(Session))
    form.update(
        title="Manajemen ASN dan sistem merit",
        start_time="13:30",
        end_time="15:00",
        **{"speakers-0-speaker_id": str(zudan.id)},
    )
    organiser.submit(f"/manage/events/{event.slug}/sessions/{session.id}/edit", form)

    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Session", AuditEntry.action == "update")
    ).one()
    assert entry.changes["title"] == ["Manajemen ASN", "Manajemen ASN dan sistem merit"]
    assert entry.changes["starts_at"][0] != entry.changes["starts_at"][1]
    assert entry.changes["speakers"] == ["", "Prof. Dr. Zudan Arif Fakrulloh (narasumber)"]
    assert entry.user_id == organiser.user.id


def test_changing_the_time_zone_keeps_the_planned_local_times(login_as, make_event, make_session):
    organiser = login_as("organiser")
    event = make_event(start=date(2025, 8, 4), timezone="Asia/Jakarta")
    session = make_session(event, "09:00", "10:00")
    organiser.submit(
        f"/manage/events/{event.slug}/edit",
        {
            "title": event.title,
            "slug": event.slug,
            "kind": event.kind,
            "start_date": "2025-08-04",
            "end_date": "2025-08-04",
            "timezone": "Asia/Makassar",
            "venue": "Makassar",
            "organiser_opd_id": "0",
        },
    )
    db.session.refresh(session)
    local = to_zone(session.starts_at, "Asia/Makassar").replace(tzinfo=None)
    assert local == datetime(2025, 8, 4, 9, 0)


def test_a_changed_description_can_be_published_and_is_listed(login_as, make_event, make_session):
    organiser = login_as("organiser")
    event = make_event()
    session = make_session(event, "09:00", "10:00", title="Apel pagi")
    versions.publish(event)
    session.description = "Pakaian: PDH"
    db.session.commit()
    page = organiser.get(f"/manage/events/{event.slug}/publish").get_data(as_text=True)
    assert "Sesi Apel pagi diubah" in page
    organiser.submit(f"/manage/events/{event.slug}/publish", {"note": ""})
    version = services.latest_version(event)
    assert version.number == 2 and [c["type"] for c in version.changes] == ["details"]


def test_an_event_address_is_the_one_asked_for_or_made_from_the_title(make_event):
    taken = make_event(slug="retret-2025")
    other = make_event(slug="rakor-2025")
    assert services.event_slug("", "Retret 2025") == "retret-2025-2"  # made unique
    assert services.event_slug("baru-2026", "Apa saja") == "baru-2026"
    assert services.event_slug("retret-2025", "Retret", event=taken) == "retret-2025"  # its own
    with pytest.raises(services.SlugTaken, match="retret-2025 sudah dipakai acara lain"):
        services.event_slug("retret-2025", "Rakor", event=other)
    with pytest.raises(services.SlugTaken):
        services.event_slug("rakor-2025", "Salinan")  # a copy cannot take it either


def test_copying_to_a_taken_address_says_so_and_creates_nothing(login_as, make_event):
    source = make_event(slug="retret-2025")
    make_event(slug="retret-2026")
    before = db.session.scalar(select(db.func.count(Event.id)))
    page = login_as("organiser").submit(
        f"/manage/events/{source.slug}/copy",
        {"title": "Retret 2026", "slug": "retret-2026", "start_date": "2026-08-03"},
    )
    assert "retret-2026 sudah dipakai acara lain" in page.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Event.id))) == before
