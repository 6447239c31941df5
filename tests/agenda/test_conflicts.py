"""Each conflict rule, one by one, and the cases that must not be conflicts."""

from datetime import date

from agenda.conflicts import find_conflicts


def kinds(event):
    return sorted(c.kind for c in find_conflicts(event))


def test_back_to_back_sessions_in_one_room_are_fine(make_event, make_room, make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, "09:00", "10:00", room=room)
    make_session(event, "10:00", "11:00", room=room)
    assert kinds(event) == []


def test_two_sessions_in_one_room_at_once(make_event, make_room, make_session):
    event = make_event()
    room = make_room(event, "Ballroom")
    a = make_session(event, "09:00", "10:00", room=room, title="Pembukaan")
    b = make_session(event, "09:30", "10:30", room=room, title="Paparan")
    make_session(event, "09:30", "10:30", room=make_room(event, "Ruang B"), title="Paralel")
    (conflict,) = find_conflicts(event)
    assert conflict.kind == "room" and set(conflict.session_ids) == {a.id, b.id}
    assert conflict.detail["room"] == "Ballroom"


def test_a_cancelled_session_frees_its_room(make_event, make_room, make_session):
    event = make_event()
    room = make_room(event)
    make_session(event, "09:00", "10:00", room=room)
    make_session(event, "09:30", "10:30", room=room, cancelled=True)
    assert kinds(event) == []


def test_speaker_in_two_places_at_once(make_event, make_room, make_session, make_speaker):
    event = make_event()
    zudan = make_speaker("Prof. Dr. Zudan Arif Fakrulloh")
    make_session(event, "09:00", "10:00", room=make_room(event, "A"), speakers=[zudan])
    make_session(event, "09:45", "10:30", room=make_room(event, "B"), speakers=[zudan])
    (conflict,) = find_conflicts(event)
    assert (
        conflict.kind == "speaker"
        and conflict.detail["speaker"] == "Prof. Dr. Zudan Arif Fakrulloh"
    )


def test_speaker_conflict_across_events(make_event, make_session, make_speaker):
    speaker = make_speaker()
    retreat = make_event(title="Retret")
    rakor = make_event(title="Rakor")
    make_session(retreat, "09:00", "10:00", speakers=[speaker], title="Arahan")
    make_session(rakor, "09:30", "10:30", speakers=[speaker], title="Rakor pagi")
    (conflict,) = find_conflicts(retreat)
    assert conflict.kind == "speaker" and "Rakor pagi (Rakor)" in conflict.detail["b"]
    assert kinds(rakor) == ["speaker"]


def test_speaker_back_to_back_is_fine(make_event, make_session, make_speaker):
    event = make_event()
    speaker = make_speaker()
    make_session(event, "09:00", "10:00", speakers=[speaker])
    make_session(event, "10:00", "11:00", speakers=[speaker])
    assert kinds(event) == []


def test_session_outside_event_dates(make_event, make_session):
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 18))
    make_session(event, "09:00", "10:00", day=date(2025, 5, 19))
    make_session(event, "09:00", "10:00", day=date(2025, 5, 15))
    make_session(event, "20:00", "21:00", day=date(2025, 5, 18))
    assert kinds(event) == ["outside_event", "outside_event"]


def test_session_across_midnight_on_the_last_day_leaves_the_event(make_event, make_session):
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 16))
    make_session(event, "22:00", "01:00")
    assert kinds(event) == ["outside_event"]


def test_session_across_midnight_inside_the_event_is_fine(make_event, make_session):
    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 17))
    make_session(event, "22:00", "01:00", title="Jaga malam")
    assert kinds(event) == []


def test_group_scheduled_twice_at_once(make_event, make_room, make_session):
    event = make_event()
    make_session(event, "15:00", "17:00", room=make_room(event, "A"), track="Kelompok A")
    make_session(event, "16:00", "17:00", room=make_room(event, "B"), track="Kelompok A")
    make_session(event, "15:00", "17:00", room=make_room(event, "C"), track="Kelompok B")
    assert kinds(event) == ["group"]


def test_session_longer_than_a_day(make_event, make_session):
    from datetime import timedelta

    from app.extensions import db

    event = make_event(start=date(2025, 5, 16), end=date(2025, 5, 18))
    session = make_session(event, "08:00", "09:00")
    session.ends_at = session.starts_at + timedelta(hours=25)
    db.session.commit()
    assert kinds(event) == ["too_long"]
