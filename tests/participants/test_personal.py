"""The personal page /p/<link_token>/ (issue 5): no login, the token is the secret. It shows the
participant's own agenda, takes their answer (attend, not attend, send a delegate), shows the
QR pass once confirmed, and serves their calendar; it never shows anyone else's data."""

import json
import re
import shutil
import subprocess
from datetime import date

import pytest
from icalendar import Calendar
from PIL import Image, ImageDraw
from sqlalchemy import select

from agenda import services, versions
from app.extensions import db
from participants import passes
from participants.models import Person, Registration
from participants.registrations import changes, personal_agenda

ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"  # Debian zbar-tools


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def reload(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def decode_qr_svg(svg: str, tmp_path) -> str:
    """Draw the page's QR (the SVG path of its dark modules) as a PNG and decode it with zbar."""
    size = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    scale = 10
    image = Image.new("L", (round(size * scale), round(size * scale)), 255)
    draw = ImageDraw.Draw(image)
    modules = re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+z", svg)
    assert modules, "no QR modules in the SVG"
    for x1, y1, x2, y2 in modules:
        draw.rectangle(
            [
                round(float(x1) * scale),
                round(float(y1) * scale),
                round(float(x2) * scale) - 1,
                round(float(y2) * scale) - 1,
            ],
            fill=0,
        )
    path = tmp_path / "qr.png"
    image.save(path)
    result = subprocess.run(  # noqa: S603 (our own file, fixed program)
        [ZBARIMG, "--raw", "--quiet", str(path)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def qr_of(html: str) -> str:
    match = re.search(r'<div class="pass-qr[^"]*"[^>]*>(<svg.*?</svg>)</div>', html, re.S)
    assert match, "no QR pass on the page"
    return match.group(1)


@pytest.fixture
def retreat(make_event, make_room, make_speaker, make_session, make_opd, make_person):
    """A published 2-day retreat with a plenary for everyone and breakouts per group; two
    participants in different groups."""
    event = make_event(
        "retret-2025",
        title="Retret Kepemimpinan ASN 2025",
        start=date(2025, 8, 4),
        end=date(2025, 8, 5),
        venue="Akademi Militer Magelang",
    )
    hall = make_room(event, "Aula Utama")
    zudan = make_speaker("Prof. Dr. Zudan Arif Fakrulloh", position="Kepala BKN")
    sessions = {
        "plenary": make_session(
            event,
            "09:00",
            "10:30",
            title="Manajemen ASN dan sistem merit",
            room=hall,
            speakers=[zudan],
        ),
        "a": make_session(
            event,
            "13:00",
            "15:00",
            title="Diskusi kelompok: kepala OPD",
            track="Kelompok A",
            kind="discussion",
        ),
        "b": make_session(
            event,
            "13:00",
            "15:00",
            title="Diskusi kelompok: camat dan lurah",
            track="Kelompok B",
            kind="discussion",
        ),
        "apel": make_session(
            event, "05:30", "06:15", day=date(2025, 8, 5), title="Apel pagi", kind="ceremony"
        ),
    }
    versions.publish(event)
    db.session.commit()
    dinkes = make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    kec = make_opd("KEC-BATU", kind="kecamatan", name="Kecamatan Batu", short_name="Kec. Batu")
    head = Registration(
        event_id=event.id,
        person_id=make_person(
            "dr. Aditya Prasetyo, M.Kes.",
            level="jpt_pratama",
            opd=dinkes,
            position="Kepala Dinas Kesehatan",
            email="aditya@example.go.id",
        ).id,
        group="Kelompok A",
    )
    other = Registration(
        event_id=event.id,
        person_id=make_person(
            "Rizal Hakim, S.STP.", opd=kec, position="Camat Batu", email="rizal@example.go.id"
        ).id,
        group="Kelompok B",
        status="confirmed",
    )
    db.session.add_all([head, other])
    db.session.commit()
    return {"event": event, "head": head, "other": other, "sessions": sessions}


def answer(client, registration, data):
    return client.submit(f"/p/{registration.link_token}/rsvp", data)


# --- what the page shows ------------------------------------------------------------------------


def test_the_page_shows_the_event_and_only_the_participants_own_sessions(client, retreat):
    head = retreat["head"]
    response = client.get(f"/p/{head.link_token}/")
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert "Retret Kepemimpinan ASN 2025" in page
    assert "Senin, 4 Agustus 2025 – Selasa, 5 Agustus 2025" in page
    assert "Akademi Militer Magelang" in page
    assert "dr. Aditya Prasetyo, M.Kes." in page and "Kelompok A" in page
    # Their group's breakout and the sessions for everyone, grouped by day, in WIB.
    assert "Manajemen ASN dan sistem merit" in page and "09.00–10.30 WIB" in page
    assert "Diskusi kelompok: kepala OPD" in page
    first = page.index("Senin, 4 Agustus 2025 09.00–10.30 WIB Manajemen ASN")
    assert first < page.index("Selasa, 5 Agustus 2025 05.30–06.15 WIB Apel pagi")
    # Nothing of the other group or of the other participant.
    assert "Diskusi kelompok: camat dan lurah" not in page
    for secret in ("Rizal Hakim", "Camat Batu", "rizal@example.go.id", retreat["other"].link_token):
        assert secret not in response.get_data(as_text=True)
    # Personal pages stay out of shared caches, referrers and search engines.
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_an_unknown_link_is_not_found(client, retreat):
    assert client.get("/p/tidak-ada-token-seperti-ini/").status_code == 404
    assert client.get("/p/tidak-ada-token-seperti-ini/agenda.ics").status_code == 404
    assert client.get("/p/tidak-ada-token-seperti-ini/sw.js").status_code == 404


def test_a_replaced_link_no_longer_works_and_shows_no_data(client, retreat):
    head = retreat["head"]
    old = head.link_token
    new = passes.reissue(head, "link")
    db.session.commit()

    response = client.get(f"/p/{old}/")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Tautan ini sudah diganti" in text_of(html)
    assert "Aditya" not in html and "Retret" not in html
    assert client.get(f"/p/{old}/agenda.ics").status_code == 404
    assert client.post(f"/p/{old}/rsvp", data={"answer": "declined"}).status_code in (400, 404)
    assert reload(head).status == "invited"
    assert client.get(f"/p/{new}/").status_code == 200


def test_an_unpublished_agenda_says_so(client, make_event, make_registration):
    event = make_event("draf", status="draft")
    registration = make_registration(event)
    page = text_of(client.get(f"/p/{registration.link_token}/").get_data(as_text=True))
    assert "Susunan acara belum diterbitkan" in page
    assert "Tambahkan ke kalender" not in page


# --- answering ----------------------------------------------------------------------------------


def test_confirming_shows_the_qr_pass_that_decodes_to_the_pass_token(client, retreat, tmp_path):
    head = retreat["head"]
    before = text_of(client.get(f"/p/{head.link_token}/").get_data(as_text=True))
    assert "Konfirmasi kehadiran" in before and "Tunjukkan kode QR ini" not in before  # no pass yet
    assert 'tampil di halaman ini setelah Anda menjawab "Hadir"' in before  # but when

    response = answer(client, head, {"answer": "confirmed"})
    assert response.status_code == 302
    head = reload(head)
    assert head.status == "confirmed" and head.responded_at is not None

    html = client.get(f"/p/{head.link_token}/").get_data(as_text=True)
    page = text_of(html)
    assert "Terima kasih, jawaban Anda sudah kami terima." in page
    assert "Pass masuk" in page and "Tambahkan ke layar utama" in page
    assert "Peserta · Kelompok A" in page
    assert decode_qr_svg(qr_of(html), tmp_path) == head.pass_token
    assert head.link_token not in qr_of(html)


def test_a_reissued_pass_shows_the_new_qr_and_the_old_one_scans_as_revoked(
    client, retreat, tmp_path
):
    head = retreat["head"]
    answer(client, head, {"answer": "confirmed"})
    old = reload(head).pass_token
    new = passes.reissue(reload(head), "pass")
    db.session.commit()

    html = client.get(f"/p/{head.link_token}/").get_data(as_text=True)
    assert decode_qr_svg(qr_of(html), tmp_path) == new
    assert passes.lookup(old, "pass").state == "revoked"
    assert passes.lookup(new, "pass").state == "active"


def test_declining_shows_no_pass_and_can_be_changed(client, retreat):
    head = retreat["head"]
    answer(client, head, {"answer": "declined"})
    assert reload(head).status == "declined"
    page = text_of(client.get(f"/p/{head.link_token}/").get_data(as_text=True))
    assert "Anda menyatakan tidak hadir" in page and "Pass masuk" not in page
    answer(client, head, {"answer": "confirmed"})
    assert reload(head).status == "confirmed"


def test_sending_a_delegate_from_the_personal_page(client, retreat, tmp_path):
    head = retreat["head"]
    response = answer(
        client,
        head,
        {
            "answer": "delegated",
            "delegate_name": "Sri Rahayu, S.KM.",
            "delegate_position": "Sekretaris Dinas Kesehatan",
            "delegate_phone": "0812-3456-7890",
            "delegate_email": "",
        },
    )
    assert response.status_code == 302
    head = reload(head)
    [delegate] = head.delegates
    assert head.status == "delegated"
    assert (delegate.status, delegate.group, delegate.role) == (
        "confirmed",
        "Kelompok A",
        "peserta",
    )
    assert delegate.person.phone == "0812-3456-7890"
    assert delegate.person.opd_id == head.person.opd_id

    page = text_of(client.get(f"/p/{head.link_token}/").get_data(as_text=True))
    assert "Anda diwakili oleh Sri Rahayu, S.KM." in page and "Pass masuk" not in page

    # The delegate's own link: their agenda (the head's group) and their own pass.
    html = client.get(f"/p/{delegate.link_token}/").get_data(as_text=True)
    page = text_of(html)
    assert "Sri Rahayu, S.KM." in page and "Anda hadir mewakili dr. Aditya Prasetyo" in page
    assert "Diskusi kelompok: kepala OPD" in page
    assert decode_qr_svg(qr_of(html), tmp_path) == delegate.pass_token
    assert 'value="delegated"' not in html  # a delegate cannot delegate again

    # The head comes after all: the delegate is cancelled, only one person holds the place.
    answer(client, head, {"answer": "confirmed"})
    assert (reload(head).status, reload(delegate).status) == ("confirmed", "cancelled")
    page = text_of(client.get(f"/p/{delegate.link_token}/").get_data(as_text=True))
    assert "Registrasi dibatalkan" in page


def test_a_delegate_needs_a_name_and_a_phone_or_email(client, retreat):
    head = retreat["head"]
    response = answer(client, head, {"answer": "delegated", "delegate_name": ""})
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "Nama wakil wajib diisi." in page and "Isi telepon atau email wakil." in page
    assert reload(head).status == "invited"
    assert db.session.scalar(select(Person).where(Person.level == "non_asn")) is None


def test_the_answer_needs_the_forms_csrf_token(client, retreat):
    head = retreat["head"]
    response = client.post(f"/p/{head.link_token}/rsvp", data={"answer": "declined"})
    assert response.status_code == 400
    assert reload(head).status == "invited"


def test_a_cancelled_registration_says_so_plainly(client, retreat):
    head = retreat["head"]
    changes.cancel(head)
    db.session.commit()
    html = client.get(f"/p/{head.link_token}/").get_data(as_text=True)
    page = text_of(html)
    assert "Registrasi dibatalkan" in page and "dibatalkan oleh panitia" in page
    assert "Pass masuk" not in page and f'action="/p/{head.link_token}/rsvp"' not in html
    response = answer(client, head, {"answer": "confirmed"})
    assert reload(head).status == "cancelled"
    assert "sudah dibatalkan" in text_of(client.get(response.location).get_data(as_text=True))


# --- calendar, offline use --------------------------------------------------------------------


def test_the_personal_calendar_holds_exactly_the_participants_sessions(client, retreat):
    head, sessions = retreat["head"], retreat["sessions"]
    response = client.get(f"/p/{head.link_token}/agenda.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(item["UID"]): item for item in calendar.walk("VEVENT")}
    assert set(events) == {sessions[k].uid for k in ("plenary", "a", "apel")}
    plenary = events[sessions["plenary"].uid]
    assert str(plenary["SUMMARY"]) == "Manajemen ASN dan sistem merit"
    assert plenary["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert plenary["DTSTART"].dt.hour == 9
    assert int(plenary["SEQUENCE"]) == 0
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]

    # A new version moves the plenary: the same UID comes back with a higher SEQUENCE.
    session = db.session.get(type(sessions["plenary"]), sessions["plenary"].id)
    services.move_session(session, starts_at=session.starts_at.replace(hour=3), room_id=None)
    versions.publish(session.event)
    db.session.commit()
    calendar = Calendar.from_ical(client.get(f"/p/{head.link_token}/agenda.ics").data)
    moved = {str(item["UID"]): item for item in calendar.walk("VEVENT")}[sessions["plenary"].uid]
    assert int(moved["SEQUENCE"]) == 1 and moved["DTSTART"].dt.hour == 10


def test_the_page_links_its_calendar_manifest_and_service_worker(client, retreat):
    head = retreat["head"]
    token = head.link_token
    html = client.get(f"/p/{token}/").get_data(as_text=True)
    assert f'href="webcal://localhost/p/{token}/agenda.ics"' in html
    assert f'href="/p/{token}/manifest.webmanifest"' in html
    assert f'data-service-worker="/p/{token}/sw.js"' in html

    worker = client.get(f"/p/{token}/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    script = worker.get_data(as_text=True)
    assert f'const PAGE = "/p/{token}/"' in script
    assert "/static/vendor/bootstrap/bootstrap.min.css" in script

    manifest = client.get(f"/p/{token}/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.data)
    assert data["start_url"] == data["scope"] == f"/p/{token}/"
    assert data["display"] == "standalone" and data["icons"]
    assert client.get(data["icons"][0]["src"]).status_code == 200


def test_a_participant_cannot_make_a_directory_person_their_delegate_by_email(
    client, retreat, make_person
):
    """Typing someone's e-mail as the delegate's never hands their registration, link or pass
    to the participant: the delegate is always a new person."""
    head, event = retreat["head"], retreat["event"]
    victim = make_person(
        "Drs. Bambang Wiyono", position="Kepala Bappeda", email="bambang@example.go.id"
    )
    own = Registration(event_id=event.id, person_id=victim.id, status="declined")
    db.session.add(own)
    db.session.commit()
    link, pass_token = own.link_token, own.pass_token

    response = answer(
        client,
        head,
        {
            "answer": "delegated",
            "delegate_name": "Sri Rahayu, S.KM.",
            "delegate_position": "Sekretaris Dinas Kesehatan",
            "delegate_phone": "",
            "delegate_email": "Bambang@example.go.id",
        },
    )
    assert response.status_code == 302
    head = reload(head)
    [delegate] = head.delegates
    assert head.status == "delegated"
    assert delegate.person_id != victim.id
    assert (delegate.person.name, delegate.person.level) == ("Sri Rahayu, S.KM.", "non_asn")
    assert delegate.person.email is None  # the address is someone else's
    assert "bambang@example.go.id" in delegate.note  # kept for the organiser to sort out
    # Bambang's own registration, link and pass are untouched and still his.
    own = reload(own)
    assert (own.status, own.delegate_of_id) == ("declined", None)
    assert (own.link_token, own.pass_token) == (link, pass_token)
    assert passes.lookup(link, "link").registration.person_id == victim.id

    html = client.get(f"/p/{head.link_token}/").get_data(as_text=True)
    assert "Anda diwakili oleh Sri Rahayu, S.KM." in text_of(html)
    assert f"/p/{delegate.link_token}/" in html
    for secret in ("Bambang", link, pass_token):
        assert secret not in html


# --- cached per published version -------------------------------------------------------------


def test_the_personal_page_and_calendar_answer_304_until_a_new_version_is_published(
    client, retreat
):
    head, sessions = retreat["head"], retreat["sessions"]
    page, ics = f"/p/{head.link_token}/", f"/p/{head.link_token}/agenda.ics"
    client.get(page)  # the first visit remembers this phone (a cookie)
    first, calendar = client.get(page), client.get(ics)
    for response in (first, calendar):
        assert not response.headers["ETag"].startswith("W/")
        url = page if response is first else ics
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""

    session = db.session.get(type(sessions["plenary"]), sessions["plenary"].id)
    session.title = "Manajemen talenta ASN"
    versions.publish(session.event)
    db.session.commit()
    new_page = client.get(page, headers={"If-None-Match": first.headers["ETag"]})
    new_calendar = client.get(ics, headers={"If-None-Match": calendar.headers["ETag"]})

    assert new_page.status_code == 200 and new_page.headers["ETag"] != first.headers["ETag"]
    assert "Manajemen talenta ASN" in text_of(new_page.get_data(as_text=True))
    assert new_calendar.status_code == 200
    assert new_calendar.headers["ETag"] != calendar.headers["ETag"]
    assert b"Manajemen talenta ASN" in new_calendar.data


def test_participants_of_one_group_share_the_agenda_but_never_each_others_page(
    client, retreat, make_person
):
    head, other = retreat["head"], retreat["other"]
    colleague = Registration(
        event_id=head.event_id,
        person_id=make_person("Dewi Lestari, S.E.", position="Sekretaris Dinas").id,
        group="Kelompok A",
    )
    db.session.add(colleague)
    db.session.commit()

    mine = client.get(f"/p/{head.link_token}/").get_data(as_text=True)
    shared = len(personal_agenda._AGENDAS)
    theirs = client.get(f"/p/{colleague.link_token}/").get_data(as_text=True)
    elsewhere = client.get(f"/p/{other.link_token}/").get_data(as_text=True)

    assert len(personal_agenda._AGENDAS) == shared + 1  # Kelompok A's once, Kelompok B's
    assert "Diskusi kelompok: kepala OPD" in text_of(theirs)
    assert "dr. Aditya Prasetyo" in mine and "dr. Aditya Prasetyo" not in theirs + elsewhere
    assert head.link_token not in theirs + elsewhere
    assert colleague.link_token in theirs and "Dewi Lestari" in theirs


def test_the_personal_page_follows_the_language_with_another_etag(client, retreat):
    head = retreat["head"]
    page = f"/p/{head.link_token}/"
    client.get(page)
    indonesian = client.get(page)
    client.get(f"/language/en?next={page}")

    english = client.get(page, headers={"If-None-Match": indonesian.headers["ETag"]})

    assert english.status_code == 200 and english.headers["ETag"] != indonesian.headers["ETag"]
    assert "Monday, 4 August 2025" in text_of(english.get_data(as_text=True))
