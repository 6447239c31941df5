"""The public agenda: event list, agenda page, draft preview, "now" marker and change notices."""

import re
from datetime import date, timedelta

import pytest

from agenda import public, services, versions
from app.extensions import db
from app.timeutil import to_zone, utcnow

from .public_helpers import fill, publish, seen_cookie, session_block, text_of


@pytest.fixture
def retreat(make_event, make_room, make_speaker, make_session):
    """A published 3-day retreat: Monday 4 – Wednesday 6 August 2025 in Batu (WIB)."""
    event = make_event(
        "retret-2025",
        title="Retret Kepala OPD 2025",
        start=date(2025, 8, 4),
        end=date(2025, 8, 6),
        venue="Akmil Magelang",
    )
    ballroom = make_room(event, "Ballroom")
    hall = make_room(event, "Ruang Candi", position=1)
    zudan = make_speaker(
        "Prof. Dr. Zudan Arif Fakrulloh",
        position="Kepala BKN",
        institution="Badan Kepegawaian Negara",
    )
    mc = make_speaker("Sopa Ike Paci", position="Pranata Humas", institution="Diskominfo")
    sessions = {
        "paparan": make_session(
            event,
            "09:30",
            "10:30",
            title="Paparan BKN",
            room=ballroom,
            speakers=[zudan, (mc, "moderator")],
        ),
        "kelompok": make_session(
            event,
            "13:00",
            "15:00",
            title="Diskusi Kelompok Camat",
            room=hall,
            track="Kelompok Camat",
        ),
        "apel": make_session(
            event,
            "07:00",
            "08:00",
            day=date(2025, 8, 5),
            title="Apel Pagi",
            room=ballroom,
            kind="ceremony",
        ),
        "batal": make_session(
            event, "15:30", "16:30", day=date(2025, 8, 5), title="Kunjungan Museum", room=hall
        ),
        "penutupan": make_session(
            event, "10:00", "11:00", day=date(2025, 8, 6), title="Penutupan", room=ballroom
        ),
    }
    services.set_cancelled(sessions["batal"], True)
    db.session.commit()
    publish(event)
    return event, sessions, zudan


# --- event list -------------------------------------------------------------------------------


def test_anonymous_visitors_see_published_and_closed_events_but_not_drafts(client, make_event):
    make_event(title="Strategic Meeting Triwulan III", status="published")
    make_event(title="Rakor Inflasi Daerah", status="closed")
    make_event(title="Retret Rahasia", status="draft")

    page = text_of(client.get("/events/").get_data(as_text=True))

    assert "Strategic Meeting Triwulan III" in page and "Rakor Inflasi Daerah" in page
    assert "Retret Rahasia" not in page


def test_organisers_also_see_drafts_badged_as_draft(login_as, make_event):
    make_event(title="Retret Rahasia", status="draft")
    organiser = login_as("organiser")

    html = organiser.get("/events/").get_data(as_text=True)

    items = [text_of(item) for item in re.findall(r'<a class="list-group-item.*?</a>', html, re.S)]
    assert len(items) == 1
    assert items[0].startswith("Retret Rahasia Strategic Meeting Draf ")


def test_upcoming_events_come_first_soonest_first_then_past_ones_latest_first(client, make_event):
    today = to_zone(utcnow()).date()
    make_event(title="Lalu Jauh", start=today - timedelta(days=90))
    make_event(title="Depan Jauh", start=today + timedelta(days=60))
    make_event(title="Lalu Dekat", start=today - timedelta(days=10))
    make_event(title="Sedang Jalan", start=today - timedelta(days=1), end=today + timedelta(days=1))
    make_event(title="Depan Dekat", start=today + timedelta(days=7))

    page = text_of(client.get("/events/").get_data(as_text=True))

    order = [
        page.index(t)
        for t in ("Sedang Jalan", "Depan Dekat", "Depan Jauh", "Lalu Dekat", "Lalu Jauh")
    ]
    assert order == sorted(order)
    assert "Sedang Jalan Strategic Meeting" in page and "Sedang berlangsung" in page


def test_the_event_list_paginates_with_a_constant_number_of_queries(
    client, make_event, count_queries
):
    for n in range(3):
        make_event(title=f"Acara {n}")
    with count_queries() as few:
        client.get("/events/")
    for n in range(3, 25):
        make_event(title=f"Acara {n}")
    with count_queries() as many:
        first = client.get("/events/").get_data(as_text=True)
    second = client.get("/events/?page=2").get_data(as_text=True)

    assert few.count == many.count
    assert first.count('class="list-group-item list-group-item-action') == 20
    assert second.count('class="list-group-item list-group-item-action') == 5
    assert "Menampilkan 21–25 dari 25" in text_of(second)


# --- agenda page ------------------------------------------------------------------------------


def test_agenda_page_shows_the_event_its_days_and_sessions_in_indonesian(client, retreat):
    event, sessions, _zudan = retreat

    response = client.get("/events/retret-2025/")
    html = response.get_data(as_text=True)
    page = text_of(html)

    assert response.status_code == 200
    assert "Retret Kepala OPD 2025" in page
    assert "Senin, 4 Agustus 2025 – Rabu, 6 Agustus 2025" in page
    assert "Akmil Magelang" in page and "Seluruh waktu dalam WIB" in page
    # One tab per day; outside the event's dates, the first day is open.
    assert [m for m in re.findall(r'id="(hari-[\d-]+)-tab"', html)] == [
        "hari-2025-08-04",
        "hari-2025-08-05",
        "hari-2025-08-06",
    ]
    assert re.search(r'class="nav-link active" id="hari-2025-08-04-tab"', html)
    paparan = text_of(session_block(html, sessions["paparan"].id))
    assert "09.30–10.30 WIB" in paparan and "Paparan BKN" in paparan and "Ballroom" in paparan
    assert "Narasumber: Prof. Dr. Zudan Arif Fakrulloh, Kepala BKN" in paparan
    assert "Moderator: Sopa Ike Paci" in paparan
    assert "Kelompok Camat" in text_of(session_block(html, sessions["kelompok"].id))
    # Sessions of a day are in time order.
    assert html.index("Paparan BKN") < html.index("Diskusi Kelompok Camat")


def test_a_cancelled_session_is_struck_through_and_badged(client, retreat):
    _event, sessions, _ = retreat

    html = client.get("/events/retret-2025/").get_data(as_text=True)

    block = session_block(html, sessions["batal"].id)
    assert "<del" in block and "Kunjungan Museum" in block
    assert "Dibatalkan" in text_of(block)
    assert "Dibatalkan" not in text_of(session_block(html, sessions["apel"].id))


def test_the_speaker_list_names_each_speaker_with_their_sessions(client, retreat):
    html = client.get("/events/retret-2025/").get_data(as_text=True)
    section = text_of(html[html.index('id="speakers-heading"') :])

    assert "Prof. Dr. Zudan Arif Fakrulloh Kepala BKN, Badan Kepegawaian Negara" in section
    assert "Paparan BKN · Sen, 4 Agu 09.30–10.30 WIB" in section


def test_add_to_calendar_links_for_the_agenda_and_each_session(client, retreat):
    event, sessions, _ = retreat

    html = client.get("/events/retret-2025/").get_data(as_text=True)

    assert 'href="webcal://localhost/events/retret-2025/agenda.ics"' in html
    assert 'href="/events/retret-2025/agenda.ics" download' in html
    block = session_block(html, sessions["paparan"].id)
    assert (
        f'href="webcal://localhost/events/retret-2025/sessions/{sessions["paparan"].id}.ics"'
        in block
    )
    assert (
        client.get(f"/events/retret-2025/sessions/{sessions['paparan'].id}.ics").status_code == 200
    )


def test_times_are_shown_in_the_event_zone(client, make_event, make_session):
    event = make_event("rakor-makassar", timezone="Asia/Makassar", venue="Makassar")
    session = make_session(event, "08:00", "09:30", title="Pembukaan")
    publish(event)

    html = client.get("/events/rakor-makassar/").get_data(as_text=True)

    assert "08.00–09.30 WITA" in text_of(session_block(html, session.id))
    assert "Seluruh waktu dalam WITA" in text_of(html)


def test_a_draft_event_is_not_found_for_the_public_and_other_roles(
    client, login_as, make_event, make_session
):
    event = make_event("draf-retret", status="draft")
    make_session(event, title="Sesi Rahasia")

    for who in (client, login_as("opd"), login_as("viewer"), login_as("operator")):
        for path in ("/", "/changes", "/print", "/agenda.pdf", "/agenda.ics"):
            assert who.get(f"/events/draf-retret{path}").status_code == 404


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_organisers_preview_a_draft_from_its_live_sessions(
    login_as, make_event, make_room, make_session, role
):
    event = make_event("draf-retret", status="draft")
    room = make_room(event, "Aula Utama")
    make_session(event, "09:00", "10:00", title="Sesi Belum Terbit", room=room)

    page = text_of(login_as(role).get("/events/draf-retret/").get_data(as_text=True))

    assert "Pratinjau draf" in page
    assert "09.00–10.00 WIB" in page and "Sesi Belum Terbit" in page and "Aula Utama" in page
    assert "Tambahkan ke kalender" not in page  # no calendar before publication


def test_a_published_event_without_a_published_agenda_shows_an_empty_state(
    client, make_event, make_session
):
    event = make_event("belum-terbit", status="published")
    make_session(event, title="Sesi Belum Terbit")

    page = text_of(client.get("/events/belum-terbit/").get_data(as_text=True))

    assert "Susunan acara belum diterbitkan" in page
    assert "Sesi Belum Terbit" not in page


def test_the_page_shows_the_published_version_not_later_unpublished_edits(client, retreat):
    _event, sessions, _ = retreat
    sessions["paparan"].title = "Paparan BKN (revisi)"
    db.session.commit()

    page = text_of(client.get("/events/retret-2025/").get_data(as_text=True))

    assert "Paparan BKN" in page and "revisi" not in page

    publish(_event)
    page = text_of(client.get("/events/retret-2025/").get_data(as_text=True))
    assert "Paparan BKN (revisi)" in page  # a new version shows at once


def test_the_agenda_follows_the_visitors_language(client, retreat):
    client.get("/events/retret-2025/")  # seen in Indonesian first
    client.submit("/language/en", {"next": "/events/retret-2025/"})

    page = text_of(client.get("/events/retret-2025/").get_data(as_text=True))

    assert "Monday, 4 August 2025 – Wednesday, 6 August 2025" in page
    assert "9:30 AM–10:30 AM WIB" in page


def test_unknown_event_is_not_found(client):
    assert client.get("/events/tidak-ada/").status_code == 404


# --- now ----------------------------------------------------------------------------------


def test_the_session_running_now_is_marked_and_todays_tab_is_open(client, make_event, make_session):
    zone = "Asia/Jakarta"
    now = to_zone(utcnow(), zone).replace(second=0, microsecond=0, tzinfo=None)
    start, end = now - timedelta(minutes=30), now + timedelta(minutes=30)
    event = make_event(
        "rapat-hari-ini", start=start.date() - timedelta(days=1), end=end.date() + timedelta(days=1)
    )
    running = make_session(
        event,
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
        day=start.date(),
        title="Sesi Sekarang",
    )
    earlier = make_session(
        event, "00:00", "00:01", day=start.date() - timedelta(days=1), title="Sesi Kemarin"
    )
    later = make_session(
        event, "12:00", "13:00", day=end.date() + timedelta(days=1), title="Sesi Besok"
    )
    cancelled = make_session(
        event,
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
        day=start.date(),
        title="Sesi Batal Sekarang",
    )
    services.set_cancelled(cancelled, True)
    db.session.commit()
    publish(event)

    html = client.get("/events/rapat-hari-ini/").get_data(as_text=True)

    assert "Sedang berlangsung" in text_of(session_block(html, running.id))
    assert "is-running" in session_block(html, running.id)
    for other in (earlier, later, cancelled):
        assert "Sedang berlangsung" not in text_of(session_block(html, other.id))
    today = now.date().isoformat()
    assert re.search(rf'class="nav-link active" id="hari-{today}-tab"', html)
    # A day can still be chosen explicitly (links work without JavaScript).
    tomorrow = (end.date() + timedelta(days=1)).isoformat()
    html = client.get(f"/events/rapat-hari-ini/?hari={tomorrow}").get_data(as_text=True)
    assert re.search(rf'class="nav-link active" id="hari-{tomorrow}-tab"', html)


# --- changes since the last visit --------------------------------------------------------------


def test_returning_visitors_see_what_changed_since_their_last_visit(
    client, make_event, make_room, make_session, make_user
):
    event = make_event("sm-3", start=date(2025, 8, 4))
    room_a, room_b = make_room(event, "Ruang A"), make_room(event, "Ruang B", position=1)
    paparan = make_session(event, "09:00", "10:00", title="Paparan BKN", room=room_a)
    diskusi = make_session(event, "10:00", "11:00", title="Diskusi Panel", room=room_a)
    penutupan = make_session(event, "11:00", "12:00", title="Penutupan", room=room_a)
    publish(event)

    first = client.get("/events/sm-3/")
    assert "Perubahan jadwal" not in text_of(
        first.get_data(as_text=True)
    )  # nothing to compare with
    assert seen_cookie(first, event) == "1"

    services.move_session(
        paparan, starts_at=paparan.starts_at + timedelta(hours=1), room_id=room_a.id
    )
    diskusi.room_id = room_b.id
    services.set_cancelled(penutupan, True)
    make_session(event, "13:00", "15:00", title="Kunjungan Lapangan", room=room_b)
    publish(event, make_user("organiser"))

    second = client.get("/events/sm-3/")
    page = text_of(second.get_data(as_text=True))
    assert "Perubahan jadwal" in page
    assert "Jadwal sesi Paparan BKN pada Sen, 4 Agu diubah: 09.00–10.00 → 10.00–11.00" in page
    assert "Sesi Diskusi Panel pindah ruang: Ruang A → Ruang B" in page
    assert "Sesi Penutupan dibatalkan" in page
    assert "Sesi Kunjungan Lapangan ditambahkan (Sen, 4 Agu 13.00)" in page
    assert "10.00–11.00 WIB Paparan BKN" in page  # and the agenda itself is the new one
    assert seen_cookie(second, event) == "2"

    third = client.get("/events/sm-3/")
    assert "Perubahan jadwal" not in text_of(third.get_data(as_text=True))
    assert seen_cookie(third, event) is None  # already up to date

    # Someone arriving for the first time now is not shown old news.
    newcomer = client.application.test_client()
    assert "Perubahan jadwal" not in text_of(newcomer.get("/events/sm-3/").get_data(as_text=True))


def test_the_change_log_lists_every_version_with_its_publisher_and_changes(
    client, make_event, make_room, make_session, make_user
):
    event = make_event("sm-4")
    paparan = make_session(event, "09:00", "10:00", title="Paparan BKN")
    organiser = make_user("organiser", name="Sopa Ike Paci")
    publish(event, organiser)
    services.move_session(
        paparan, starts_at=paparan.starts_at + timedelta(minutes=30), room_id=None
    )
    publish(event, organiser)
    publish(event, organiser)  # nothing changed

    page = text_of(client.get("/events/sm-4/changes").get_data(as_text=True))

    assert page.index("Versi 3") < page.index("Versi 2") < page.index("Versi 1")
    assert "oleh Sopa Ike Paci" in page
    assert "Jadwal sesi Paparan BKN pada Sen, 4 Agu diubah: 09.00–10.00 → 09.30–10.30" in page
    assert "Tidak ada perubahan sesi." in page and "Penerbitan pertama susunan acara." in page


# --- constant queries --------------------------------------------------------------------------


def test_agenda_page_runs_the_same_number_of_queries_for_5_and_200_sessions(
    client, make_event, make_room, make_speaker, count_queries
):
    speakers = [make_speaker() for _ in range(20)]
    small = make_event("kecil", start=date(2025, 8, 4), end=date(2025, 8, 6))
    large = make_event("besar", start=date(2025, 8, 4), end=date(2025, 8, 6))
    fill(small, 5, speakers, [make_room(small, "A")])
    fill(large, 200, speakers, [make_room(large, "A"), make_room(large, "B", position=1)])
    publish(small)
    publish(large)

    counts = {}
    for slug in ("kecil", "besar"):
        client.get(f"/events/{slug}/")  # first visit sets the cookie
        with count_queries() as counter:
            response = client.get(f"/events/{slug}/")
        assert response.status_code == 200
        counts[slug] = counter.count
    assert counts["kecil"] == counts["besar"]
    assert response.get_data(as_text=True).count('class="list-group-item agenda-session') == 200


def test_draft_preview_runs_the_same_number_of_queries_for_5_and_200_sessions(
    login_as, make_event, make_speaker, count_queries
):
    organiser = login_as("organiser")
    speakers = [make_speaker() for _ in range(10)]
    small = make_event("draf-kecil", status="draft")
    large = make_event("draf-besar", status="draft")
    fill(small, 5, speakers)
    fill(large, 200, speakers)

    counts = []
    for slug in ("draf-kecil", "draf-besar"):
        with count_queries() as counter:
            assert organiser.get(f"/events/{slug}/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_a_much_revised_agenda_pages_through_its_change_log(client, make_event, make_session):
    event = make_event(slug="rakor-berulang")
    session = make_session(event, "09:00", "10:00")
    for n in range(25):
        session.title = f"Evaluasi putaran {n}"
        db.session.commit()
        versions.publish(event)
        db.session.commit()
    first = client.get("/events/rakor-berulang/changes")
    assert first.status_code == 200
    assert 'href="/events/rakor-berulang/changes?page=2"' in first.get_data(as_text=True)
    assert client.get("/events/rakor-berulang/changes?page=2").status_code == 200


def test_the_sessions_of_a_version_are_rendered_once_per_language_and_open_day(client, retreat):
    """Readers of one published version share one rendering of its page (per language
    and open day); a new version is rendered anew (above: shows at once)."""
    first = client.get("/events/retret-2025/?hari=2025-08-05").get_data(as_text=True)
    entries = len(public._PAGES)
    again = client.get("/events/retret-2025/?hari=2025-08-05").get_data(as_text=True)
    assert len(public._PAGES) == entries
    assert re.findall(r'class="tab-pane fade show active" id="([^"]+)"', again) == re.findall(
        r'class="tab-pane fade show active" id="([^"]+)"', first
    )
    other_day = client.get("/events/retret-2025/?hari=2025-08-06").get_data(as_text=True)
    assert len(public._PAGES) == entries + 1
    assert "Apel Pagi" in first and "Apel Pagi" in other_day  # every day, another tab open
    assert re.findall(r'class="tab-pane fade show active" id="([^"]+)"', other_day) != (
        re.findall(r'class="tab-pane fade show active" id="([^"]+)"', first)
    )
