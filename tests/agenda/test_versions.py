"""Publishing: numbered versions, change lists, SEQUENCE, cancelled sessions, copying."""

from datetime import date, datetime

from agenda import services, versions
from agenda.models import AgendaVersion
from app.extensions import db
from app.timeutil import to_zone


def publish(event):
    version = versions.publish(event)
    db.session.commit()
    return version


def by_title(version):
    return {s["title"]: s for s in version.snapshot["sessions"]}


def test_first_publication_is_version_one_and_publishes_a_draft(make_event, make_session):
    event = make_event(status="draft")
    make_session(event, "09:00", "10:00", title="Pembukaan")
    version = publish(event)
    assert version.number == 1 and version.changes == []
    assert event.status == "published"
    assert [s["title"] for s in version.snapshot["sessions"]] == ["Pembukaan"]


def test_change_list_names_moves_additions_room_changes_and_cancellations(
    make_event, make_room, make_session
):
    event = make_event()
    ballroom, kelas = make_room(event, "Ballroom"), make_room(event, "Ruang Kelas A")
    moved = make_session(event, "09:00", "10:00", title="Paparan BKN", room=ballroom)
    roomed = make_session(event, "10:00", "11:00", title="Diskusi", room=ballroom)
    dropped = make_session(event, "11:00", "12:00", title="Sesi tambahan")
    publish(event)

    services.move_session(
        moved, starts_at=moved.starts_at.replace(hour=moved.starts_at.hour + 1), room_id=ballroom.id
    )
    roomed.room_id = kelas.id
    services.delete_session(dropped)
    db.session.commit()
    make_session(event, "13:00", "14:00", title="Penutupan")
    version = publish(event)

    changes = {(c["type"], c["title"]) for c in version.changes}
    assert changes == {
        ("moved", "Paparan BKN"),
        ("room", "Diskusi"),
        ("cancelled", "Sesi tambahan"),
        ("added", "Penutupan"),
    }
    move = next(c for c in version.changes if c["type"] == "moved")
    assert to_zone(move["old_start"]).strftime("%H.%M") == "09.00"
    assert to_zone(move["new_start"]).strftime("%H.%M") == "10.00"


def test_sequence_bumps_only_for_changed_sessions_and_deleted_sessions_stay_cancelled(
    make_event, make_session
):
    event = make_event()
    changed = make_session(event, "09:00", "10:00", title="Berubah")
    make_session(event, "10:00", "11:00", title="Tetap")
    gone = make_session(event, "11:00", "12:00", title="Dihapus")
    first = publish(event)
    changed.title = "Sudah berubah"
    services.delete_session(gone)
    db.session.commit()
    second = publish(event)
    third = publish(event)

    assert {s["title"]: s["sequence"] for s in first.snapshot["sessions"]} == {
        "Berubah": 0,
        "Tetap": 0,
        "Dihapus": 0,
    }
    assert {s["title"]: (s["sequence"], s["cancelled"]) for s in second.snapshot["sessions"]} == {
        "Sudah berubah": (1, False),
        "Tetap": (0, False),
        "Dihapus": (1, True),
    }
    # Nothing changed between the second and third versions.
    assert [(s["uid"], s["sequence"]) for s in third.snapshot["sessions"]] == [
        (s["uid"], s["sequence"]) for s in second.snapshot["sessions"]
    ]
    assert third.changes == []


def test_changes_since_an_older_version(make_event, make_session):
    event = make_event()
    session = make_session(event, "09:00", "10:00", title="Apel pagi")
    publish(event)
    session.title = "Apel pagi bersama"
    db.session.commit()
    publish(event)
    make_session(event, "10:00", "11:00", title="Outbound")
    current = publish(event)
    assert {c["type"] for c in versions.changes_since(event, 1, current)} == {"renamed", "added"}
    assert versions.changes_since(event, 3, current) == []


def test_copy_event_shifts_dates_and_keeps_wall_clock_times(
    make_event, make_room, make_session, make_speaker
):
    source = make_event(start=date(2025, 8, 4), end=date(2025, 8, 5), timezone="Asia/Makassar")
    room = make_room(source, "Ballroom", capacity=250)
    speaker = make_speaker()
    make_session(
        source,
        "09:00",
        "10:30",
        title="Evaluasi",
        room=room,
        speakers=[speaker],
        track="Kelompok A",
    )
    make_session(source, "13:00", "14:00", day=date(2025, 8, 5), title="Hari kedua")
    make_session(source, "15:00", "16:00", title="Dibatalkan", cancelled=True)

    copy = services.copy_event(
        source, slug="sm-iv", title="Strategic Meeting IV", start_date=date(2025, 11, 3)
    )
    db.session.commit()
    assert (copy.start_date, copy.end_date, copy.status) == (
        date(2025, 11, 3),
        date(2025, 11, 4),
        "draft",
    )
    assert [(r.name, r.capacity) for r in copy.rooms] == [("Ballroom", 250)]
    sessions = services.live_sessions(copy)
    local = [
        (to_zone(s.starts_at, "Asia/Makassar").replace(tzinfo=None), s.title) for s in sessions
    ]
    assert local == [
        (datetime(2025, 11, 3, 9, 0), "Evaluasi"),
        (datetime(2025, 11, 4, 13, 0), "Hari kedua"),
    ]
    first = sessions[0]
    assert first.room.event_id == copy.id and first.track == "Kelompok A"
    assert [link.speaker_id for link in first.speaker_links] == [speaker.id]
    assert first.uid not in {s.uid for s in services.live_sessions(source)}
    assert db.session.query(AgendaVersion).filter_by(event_id=copy.id).count() == 0


def test_wita_event_stores_utc_and_shows_local_time(make_event, make_session):
    event = make_event(timezone="Asia/Makassar")
    session = make_session(event, "09:00", "10:00")
    # 09.00 WITA is 01.00 UTC.
    assert session.starts_at == datetime(2025, 8, 4, 1, 0)
    wib = make_event(timezone="Asia/Jakarta")
    assert make_session(wib, "09:00", "10:00").starts_at == datetime(2025, 8, 4, 2, 0)


def test_session_across_midnight_belongs_to_the_day_it_starts(make_event, make_session):
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 17))
    night = make_session(event, "22:00", "01:00", title="Jaga malam")
    assert services.local_day(night.starts_at, event.timezone) == date(2025, 5, 16)
    assert to_zone(night.ends_at, event.timezone).replace(tzinfo=None) == datetime(
        2025, 5, 17, 1, 0
    )
    assert [s.title for s in services.sessions_on_day(event, [night], date(2025, 5, 16))] == [
        "Jaga malam"
    ]
    assert services.sessions_on_day(event, [night], date(2025, 5, 17)) == []


def test_nothing_to_publish_until_the_agenda_or_the_event_changes(make_event, make_session):
    event = make_event()
    session = make_session(event, "09:00", "10:00", title="Apel")
    assert not versions.nothing_to_publish(event)  # never published
    versions.publish(event)
    db.session.commit()
    assert versions.nothing_to_publish(event)
    session.title = "Apel pagi"
    assert not versions.nothing_to_publish(event)
    session.title = "Apel"
    event.venue = "Gedung Among Tani"  # the event's details are part of a version too
    assert not versions.nothing_to_publish(event)
