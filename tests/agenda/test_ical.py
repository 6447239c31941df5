"""Calendar feeds (DESIGN.md "Contracts"): parsed back with icalendar and checked field by field."""

from datetime import date, datetime, timedelta

import brotli
import pytest
from icalendar import Calendar

from agenda import public, services
from app.extensions import db

from .public_helpers import fill, publish

WIB, WITA = "Asia/Jakarta", "Asia/Makassar"


def calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def vevents(cal: Calendar) -> dict[str, object]:
    """VEVENTs by SUMMARY."""
    return {str(item["SUMMARY"]): item for item in cal.walk("VEVENT")}


def timezones(cal: Calendar) -> list[str]:
    return [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]


def local(item, name: str) -> datetime:
    """A DTSTART/DTEND as written: wall-clock time with its TZID parameter checked."""
    value = item[name]
    assert "TZID" in value.params, f"{name} has no TZID"
    return value.dt


@pytest.fixture
def meeting(make_event, make_room, make_speaker, make_session):
    """Strategic Meeting in Batu (WIB), published once."""
    event = make_event(
        "sm-iii-2025",
        title="Strategic Meeting Triwulan III",
        start=date(2025, 8, 4),
        end=date(2025, 8, 5),
        venue="Hotel Aston Batu",
    )
    room = make_room(event, "Ruang Rapat Utama")
    zudan = make_speaker(
        "Prof. Dr. Zudan Arif Fakrulloh",
        position="Kepala BKN",
        institution="Badan Kepegawaian Negara",
    )
    moderator = make_speaker(
        "Dra. Sri Wahyuni", position="Sekretaris Daerah", institution="Pemerintah Kota Batu"
    )
    sessions = {
        "paparan": make_session(
            event,
            "09:30",
            "10:30",
            title="Paparan BKN",
            room=room,
            speakers=[zudan, (moderator, "moderator")],
            track="Pleno",
            description="Manajemen talenta ASN.",
        ),
        "diskusi": make_session(event, "10:30", "12:00", title="Diskusi Panel", room=room),
        "malam": make_session(event, "22:00", "01:30", title="Malam Keakraban", room=room),
        "batal": make_session(event, "08:00", "09:00", day=date(2025, 8, 5), title="Senam Pagi"),
    }
    publish(event)
    return event, sessions, zudan


# --- agenda.ics ---------------------------------------------------------------------------------


def test_agenda_ics_is_a_calendar_in_the_event_zone_with_every_session(client, meeting):
    event, sessions, _ = meeting

    response = client.get("/events/sm-iii-2025/agenda.ics")
    cal = calendar(response)

    assert response.headers["Content-Disposition"] == 'inline; filename="sm-iii-2025.ics"'
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Strategic Meeting Triwulan III"
    assert timezones(cal) == [WIB]
    items = vevents(cal)
    assert set(items) == {"Paparan BKN", "Diskusi Panel", "Malam Keakraban", "Senam Pagi"}

    paparan = items["Paparan BKN"]
    assert paparan["DTSTART"].params["TZID"] == WIB
    assert local(paparan, "DTSTART") == datetime(
        2025, 8, 4, 9, 30, tzinfo=paparan["DTSTART"].dt.tzinfo
    )
    assert local(paparan, "DTSTART").replace(tzinfo=None) == datetime(2025, 8, 4, 9, 30)
    assert local(paparan, "DTEND").replace(tzinfo=None) == datetime(2025, 8, 4, 10, 30)
    assert local(paparan, "DTSTART").utcoffset() == timedelta(hours=7)
    assert str(paparan["UID"]) == sessions["paparan"].uid
    assert int(paparan["SEQUENCE"]) == 0
    assert str(paparan["STATUS"]) == "CONFIRMED"
    assert str(paparan["LOCATION"]) == "Ruang Rapat Utama, Hotel Aston Batu"
    assert str(paparan["DESCRIPTION"]).splitlines() == [
        "Narasumber: Prof. Dr. Zudan Arif Fakrulloh, Kepala BKN (Badan Kepegawaian Negara)",
        "Moderator: Dra. Sri Wahyuni, Sekretaris Daerah (Pemerintah Kota Batu)",
        "Manajemen talenta ASN.",
    ]
    assert paparan["CATEGORIES"].cats == ["Pleno"]
    assert "DTSTAMP" in paparan
    # A session without a room is located at the venue.
    assert str(items["Senam Pagi"]["LOCATION"]) == "Hotel Aston Batu"


def test_a_session_across_midnight_ends_the_next_day(client, meeting):
    cal = calendar(client.get("/events/sm-iii-2025/agenda.ics"))

    malam = vevents(cal)["Malam Keakraban"]
    assert local(malam, "DTSTART").replace(tzinfo=None) == datetime(2025, 8, 4, 22, 0)
    assert local(malam, "DTEND").replace(tzinfo=None) == datetime(2025, 8, 5, 1, 30)


def test_wita_event_times_are_in_asia_makassar(client, make_event, make_room, make_session):
    event = make_event(
        "rakor-sulsel",
        start=date(2025, 9, 1),
        timezone=WITA,
        venue="Kantor Gubernur Sulawesi Selatan",
    )
    make_session(
        event, "09:00", "10:00", title="Rakor Inflasi", room=make_room(event, "Ruang Pola")
    )
    publish(event)

    cal = calendar(client.get("/events/rakor-sulsel/agenda.ics"))

    assert timezones(cal) == [WITA]
    item = vevents(cal)["Rakor Inflasi"]
    assert item["DTSTART"].params["TZID"] == WITA
    start = local(item, "DTSTART")
    assert start.replace(tzinfo=None) == datetime(2025, 9, 1, 9, 0)
    assert start.utcoffset() == timedelta(hours=8)  # 01.00 UTC
    assert "TZOFFSETTO:+0800" in client.get("/events/rakor-sulsel/agenda.ics").get_data(
        as_text=True
    )


def test_uids_are_stable_across_exports_and_publications(client, meeting):
    event, sessions, _ = meeting
    first = client.get("/events/sm-iii-2025/agenda.ics").data
    again = client.get("/events/sm-iii-2025/agenda.ics").data
    sessions["diskusi"].title = "Diskusi Panel Talenta"
    db.session.commit()
    publish(event)
    later = calendar(client.get("/events/sm-iii-2025/agenda.ics"))

    assert first == again
    uids = {
        str(item["SUMMARY"]): str(item["UID"]) for item in Calendar.from_ical(first).walk("VEVENT")
    }
    assert (
        uids["Paparan BKN"] == str(vevents(later)["Paparan BKN"]["UID"]) == sessions["paparan"].uid
    )
    assert uids["Diskusi Panel"] == str(vevents(later)["Diskusi Panel Talenta"]["UID"])


def test_sequence_increases_for_edited_sessions_only(client, meeting, make_room):
    event, sessions, _ = meeting
    paparan = sessions["paparan"]
    services.move_session(
        paparan, starts_at=paparan.starts_at + timedelta(hours=3), room_id=paparan.room_id
    )
    db.session.commit()
    publish(event)

    items = vevents(calendar(client.get("/events/sm-iii-2025/agenda.ics")))
    assert int(items["Paparan BKN"]["SEQUENCE"]) == 1
    assert local(items["Paparan BKN"], "DTSTART").replace(tzinfo=None) == datetime(
        2025, 8, 4, 12, 30
    )
    assert int(items["Diskusi Panel"]["SEQUENCE"]) == 0

    sessions["diskusi"].room_id = make_room(event, "Ruang Candi", position=1).id
    db.session.commit()
    publish(event)
    items = vevents(calendar(client.get("/events/sm-iii-2025/agenda.ics")))
    assert int(items["Paparan BKN"]["SEQUENCE"]) == 1
    assert int(items["Diskusi Panel"]["SEQUENCE"]) == 1
    assert str(items["Diskusi Panel"]["LOCATION"]) == "Ruang Candi, Hotel Aston Batu"


def test_cancelled_and_deleted_sessions_stay_in_the_feed_as_cancelled(client, meeting):
    event, sessions, _ = meeting
    services.set_cancelled(sessions["batal"], True)
    services.delete_session(sessions["diskusi"])
    db.session.commit()
    publish(event)

    items = vevents(calendar(client.get("/events/sm-iii-2025/agenda.ics")))

    for title in ("Senam Pagi", "Diskusi Panel"):
        assert str(items[title]["STATUS"]) == "CANCELLED"
        assert int(items[title]["SEQUENCE"]) == 1
    assert str(items["Paparan BKN"]["STATUS"]) == "CONFIRMED"


def test_agenda_ics_answers_304_when_the_calendar_app_already_has_this_version(client, meeting):
    event, sessions, _ = meeting
    first = client.get("/events/sm-iii-2025/agenda.ics")
    etag = first.headers["ETag"]

    unchanged = client.get("/events/sm-iii-2025/agenda.ics", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""

    sessions["paparan"].title = "Paparan Kepala BKN"
    db.session.commit()
    publish(event)
    changed = client.get("/events/sm-iii-2025/agenda.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Paparan Kepala BKN" in vevents(calendar(changed))


def test_agenda_ics_is_not_found_for_drafts_or_before_publication(
    client, login_as, make_event, make_session
):
    draft = make_event("draf", status="draft")
    make_session(draft, title="Rahasia")
    unpublished = make_event("belum", status="published")
    make_session(unpublished, title="Belum")

    assert client.get("/events/draf/agenda.ics").status_code == 404
    assert client.get("/events/belum/agenda.ics").status_code == 404
    assert (
        login_as("organiser").get("/events/draf/agenda.ics").status_code == 404
    )  # nothing published yet
    assert client.get("/events/tidak-ada/agenda.ics").status_code == 404


def test_agenda_ics_runs_the_same_number_of_queries_for_5_and_200_sessions(
    client, make_event, make_speaker, make_room, count_queries
):
    speakers = [make_speaker() for _ in range(20)]
    small = make_event("kecil", start=date(2025, 8, 4), end=date(2025, 8, 6))
    large = make_event("besar", start=date(2025, 8, 4), end=date(2025, 8, 6))
    fill(small, 5, speakers, [make_room(small, "A")])
    fill(large, 200, speakers, [make_room(large, "A")])
    publish(small)
    publish(large)

    counts = {}
    for slug in ("kecil", "besar"):
        with count_queries() as counter:
            response = client.get(f"/events/{slug}/agenda.ics")
        counts[slug] = counter.count
    assert counts["kecil"] == counts["besar"]
    assert len(calendar(response).walk("VEVENT")) == 200


# --- one session ----------------------------------------------------------------------------------


def test_a_session_ics_holds_that_session_only_as_published(client, meeting):
    event, sessions, _ = meeting
    paparan = sessions["paparan"]

    cal = calendar(client.get(f"/events/sm-iii-2025/sessions/{paparan.id}.ics"))

    assert timezones(cal) == [WIB]
    (item,) = cal.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Paparan BKN"
    assert str(item["UID"]) == paparan.uid
    assert local(item, "DTSTART").replace(tzinfo=None) == datetime(2025, 8, 4, 9, 30)
    assert str(item["LOCATION"]) == "Ruang Rapat Utama, Hotel Aston Batu"
    assert str(item["URL"]) == f"http://localhost/events/sm-iii-2025/#sesi-{paparan.id}"
    # Same UID and SEQUENCE as in the whole agenda: calendar apps see one event, not two.
    whole = vevents(calendar(client.get("/events/sm-iii-2025/agenda.ics")))["Paparan BKN"]
    assert (str(whole["UID"]), int(whole["SEQUENCE"])) == (str(item["UID"]), int(item["SEQUENCE"]))


def test_a_session_ics_is_not_found_unless_the_session_is_published_in_that_event(
    client, meeting, make_event, make_session
):
    event, sessions, _ = meeting
    unpublished = make_session(event, "14:00", "15:00", title="Sesi Baru")
    other = make_event("lain")
    foreign = make_session(other, title="Sesi Acara Lain")
    publish(other)

    assert client.get(f"/events/sm-iii-2025/sessions/{unpublished.id}.ics").status_code == 404
    assert client.get(f"/events/sm-iii-2025/sessions/{foreign.id}.ics").status_code == 404
    assert client.get(f"/events/lain/sessions/{foreign.id}.ics").status_code == 200


def test_a_cancelled_session_ics_says_cancelled(client, meeting):
    event, sessions, _ = meeting
    services.set_cancelled(sessions["batal"], True)
    db.session.commit()
    publish(event)

    (item,) = calendar(client.get(f"/events/sm-iii-2025/sessions/{sessions['batal'].id}.ics")).walk(
        "VEVENT"
    )

    assert str(item["STATUS"]) == "CANCELLED" and int(item["SEQUENCE"]) == 1


# --- a speaker's feed ---------------------------------------------------------------------------


def test_a_speakers_feed_collects_their_sessions_across_published_events(
    client, meeting, make_event, make_session, make_speaker
):
    _event, _sessions, zudan = meeting
    makassar = make_event("rakor-sulsel", start=date(2025, 9, 1), timezone=WITA, venue="Makassar")
    make_session(makassar, "09:00", "10:00", title="Arahan Kepala BKN", speakers=[zudan])
    make_session(makassar, "10:00", "11:00", title="Sesi Orang Lain", speakers=[make_speaker()])
    publish(makassar)
    draft = make_event("draf", status="draft")
    make_session(draft, title="Sesi Draf", speakers=[zudan])
    closed = make_event("lama", start=date(2024, 11, 5))
    make_session(closed, "13:00", "14:00", title="Evaluasi 2024", speakers=[(zudan, "pemateri")])
    publish(closed)
    services.set_status(closed, "closed")
    db.session.commit()

    response = client.get(f"/speakers/{zudan.feed_token}/agenda.ics")
    cal = calendar(response)

    assert str(cal["X-WR-CALNAME"]) == "Jadwal Prof. Dr. Zudan Arif Fakrulloh"
    items = vevents(cal)
    assert list(items) == ["Evaluasi 2024", "Paparan BKN", "Arahan Kepala BKN"]
    assert sorted(timezones(cal)) == [WIB, WITA]
    arahan = items["Arahan Kepala BKN"]
    assert arahan["DTSTART"].params["TZID"] == WITA
    assert local(arahan, "DTSTART").replace(tzinfo=None) == datetime(2025, 9, 1, 9, 0)
    assert str(items["Evaluasi 2024"]["DESCRIPTION"]).startswith(
        "Pemateri: Prof. Dr. Zudan Arif Fakrulloh"
    )
    assert (
        client.get(
            f"/speakers/{zudan.feed_token}/agenda.ics",
            headers={"If-None-Match": response.headers["ETag"]},
        ).status_code
        == 304
    )


def test_a_speaker_removed_from_a_deleted_session_sees_it_cancelled(client, meeting):
    event, sessions, zudan = meeting
    services.delete_session(sessions["paparan"])
    db.session.commit()
    publish(event)

    items = vevents(calendar(client.get(f"/speakers/{zudan.feed_token}/agenda.ics")))

    assert str(items["Paparan BKN"]["STATUS"]) == "CANCELLED"
    assert str(items["Paparan BKN"]["UID"]) == sessions["paparan"].uid


def test_unknown_speaker_feed_is_not_found(client):
    assert client.get("/speakers/bukan-token/agenda.ics").status_code == 404


def test_speaker_feed_runs_the_same_number_of_queries_for_one_or_many_events(
    client, make_event, make_session, make_speaker, count_queries
):
    speaker = make_speaker()
    first = make_event()
    make_session(first, title="Sesi 1", speakers=[speaker])
    publish(first)
    with count_queries() as one:
        client.get(f"/speakers/{speaker.feed_token}/agenda.ics")
    for n in range(2, 6):
        event = make_event()
        make_session(event, title=f"Sesi {n}", speakers=[speaker])
        publish(event)
        publish(event)
    with count_queries() as many:
        response = client.get(f"/speakers/{speaker.feed_token}/agenda.ics")

    assert one.count == many.count
    assert len(calendar(response).walk("VEVENT")) == 5


def test_agenda_ics_is_compressed_once_per_publication_and_still_answers_304(client, meeting):
    """A calendar app asking with brotli gets the calendar, compressed once per process for
    this publication (the same bytes every time), a strong ETag and 304 when unchanged; a new
    publication is new bytes, never the old calendar from the cache."""
    event, sessions, _ = meeting
    br = {"Accept-Encoding": "br"}
    first = client.get("/events/sm-iii-2025/agenda.ics", headers=br)
    cached = len(public._CALENDARS)
    again = client.get("/events/sm-iii-2025/agenda.ics", headers=br)
    assert first.headers["Content-Encoding"] == "br" and "Accept-Encoding" in first.headers["Vary"]
    assert again.data == first.data and len(public._CALENDARS) == cached
    plain = client.get("/events/sm-iii-2025/agenda.ics").data  # no Accept-Encoding: as stored
    assert brotli.decompress(first.data) == plain
    etag = first.headers["ETag"]
    assert etag.endswith(':br"') and not etag.startswith("W/")
    unchanged = client.get("/events/sm-iii-2025/agenda.ics", headers={**br, "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""

    sessions["paparan"].title = "Paparan Kepala BKN"
    db.session.commit()
    publish(event)
    changed = client.get("/events/sm-iii-2025/agenda.ics", headers={**br, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"Paparan Kepala BKN" in brotli.decompress(changed.data)
