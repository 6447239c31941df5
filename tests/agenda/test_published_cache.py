"""Published agendas served from per-version caches: a strong ETag and 304 while nothing
changed, a new page and ETag once a new version is published, one reader's menu and tokens
never in another reader's page, a fixed and small number of statements per view."""

import re
import zlib
from datetime import date

import pytest

from agenda import public
from app import cached_pages
from app.extensions import db

from .public_helpers import publish, text_of

PAGE, ICS = "/events/rakor-cache/", "/events/rakor-cache/agenda.ics"


@pytest.fixture
def meeting(make_event, make_session):
    event = make_event(
        "rakor-cache", title="Rakor Triwulan", start=date(2025, 8, 4), end=date(2025, 8, 5)
    )
    make_session(event, "09:00", "10:00", title="Paparan Bappeda")
    publish(event)
    return event


def visit(client, **headers):
    """A page view by a reader who has been here before (the first visit sets a cookie)."""
    client.get(PAGE)
    return client.get(PAGE, headers=headers)


def menu_bar(html: str) -> str:
    return re.search(r'<header class="sinergi-nav">.*?</header>', html, re.S).group(0)


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_the_page_has_a_strong_etag_and_answers_304_while_nothing_changed(client, meeting):
    first = visit(client)
    etag = first.headers["ETag"]

    assert first.status_code == 200 and not etag.startswith("W/")
    assert {"private", "no-cache"} <= set(
        first.headers["Cache-Control"].replace(" ", "").split(",")
    )
    unchanged = client.get(PAGE, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert client.get(PAGE).data == first.data


def test_publishing_gives_a_new_page_and_etag_and_the_old_etag_gets_the_page(
    client, meeting, make_session
):
    etag = visit(client).headers["ETag"]

    make_session(meeting, "10:00", "11:00", title="Diskusi Kebijakan Baru")
    publish(meeting)
    after = client.get(PAGE, headers={"If-None-Match": etag})

    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert "Diskusi Kebijakan Baru" in text_of(after.get_data(as_text=True))


def test_a_new_release_of_the_app_answers_the_page_not_304(client, meeting, monkeypatch):
    # A deploy (new templates, translations or code) restarts the app: a browser's copy of
    # the previous release is not confirmed with a 304 even though nothing was published.
    etag = visit(client).headers["ETag"]
    monkeypatch.setattr(cached_pages, "RELEASE", "the next release")

    after = client.get(PAGE, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag


def test_another_language_is_another_page_and_etag(client, meeting):
    indonesian = visit(client)
    client.submit("/language/en", {"next": PAGE})

    english = client.get(PAGE, headers={"If-None-Match": indonesian.headers["ETag"]})

    assert english.status_code == 200 and english.headers["ETag"] != indonesian.headers["ETag"]
    assert "Monday, 4 August 2025" in text_of(english.get_data(as_text=True))
    assert "Senin, 4 Agustus 2025" in text_of(indonesian.get_data(as_text=True))


def test_a_shared_page_never_shows_one_readers_menu_name_or_tokens_to_another(
    app, login_as, meeting
):
    organiser = login_as("organiser", name="Budi Panitia Acara")
    viewer = login_as("viewer", name="Sari Pimpinan Daerah")
    visitor = app.test_client()

    mine = visit(organiser)  # rendered first: the page every other reader shares
    shared = len(public._PAGES)
    theirs, anonymous = visit(viewer), visit(visitor)
    html = {
        "organiser": mine.get_data(as_text=True),
        "viewer": theirs.get_data(as_text=True),
        "visitor": anonymous.get_data(as_text=True),
    }

    assert len(public._PAGES) == shared  # one rendering of the agenda for all three
    assert "Budi Panitia Acara" in html["organiser"]
    assert "Budi Panitia Acara" not in html["viewer"] + html["visitor"]
    assert "Sari Pimpinan Daerah" in html["viewer"]
    assert "Sari Pimpinan Daerah" not in html["organiser"] + html["visitor"]
    assert menu_bar(html["organiser"]) != menu_bar(html["viewer"])  # the organisers' menu
    assert csrf_tokens(html["organiser"]) and csrf_tokens(html["viewer"])
    assert csrf_tokens(html["organiser"]).isdisjoint(csrf_tokens(html["viewer"]))
    assert not csrf_tokens(html["visitor"]) and "Keluar" not in text_of(html["visitor"])
    assert len({mine.headers["ETag"], theirs.headers["ETag"], anonymous.headers["ETag"]}) == 3
    # Each reader's own ETag, not another's, gets a 304.
    assert viewer.get(PAGE, headers={"If-None-Match": mine.headers["ETag"]}).status_code == 200
    assert viewer.get(PAGE, headers={"If-None-Match": theirs.headers["ETag"]}).status_code == 304
    # The token in the organiser's copy is their session's: their forms work.
    (token,) = csrf_tokens(html["organiser"])
    assert organiser.post("/logout", data={"csrf_token": token}).status_code == 302


def test_gzip_readers_get_one_gzip_stream_of_the_same_page_and_304(client, meeting):
    plain = visit(client).data
    zipped = client.get(PAGE, headers={"Accept-Encoding": "br, gzip"})

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    stream = zlib.decompressobj(wbits=31)  # one gzip member, checked (CRC, length)
    assert stream.decompress(zipped.data) == plain
    assert stream.eof and stream.unused_data == b""
    etag = zipped.headers["ETag"]
    assert etag.endswith(':gzip"') and not etag.startswith("W/")
    again = client.get(PAGE, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


def test_a_cached_page_and_agenda_ics_cost_one_statement_each(client, meeting, count_queries):
    visit(client)
    with count_queries() as page:
        assert client.get(PAGE).status_code == 200
    client.get(ICS)
    with count_queries() as calendar:
        assert client.get(ICS).status_code == 200

    assert page.count == 1  # the event and its latest version's number, in one
    assert calendar.count == 1
    for statement in page.statements + calendar.statements:
        assert not re.search(r"agenda_version\.(ics|snapshot|changes)\b", statement), statement


def test_agenda_ics_says_304_from_its_cache_and_a_new_version_is_a_new_calendar(
    client, meeting, make_session
):
    first = client.get(ICS)
    etag = first.headers["ETag"]
    assert client.get(ICS, headers={"If-None-Match": etag}).status_code == 304

    make_session(meeting, "13:00", "14:00", title="Kunjungan Lapangan")
    db.session.commit()
    publish(meeting)
    changed = client.get(ICS, headers={"If-None-Match": etag})

    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"Kunjungan Lapangan" in changed.data and b"Kunjungan Lapangan" not in first.data
