"""Queueing (participants/mail/outbox.py and receivers.py): invitations, reminders and
agenda-change notices go to whom they should, once; those skipped are named."""

import re
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from agenda import services as agenda_services
from app.extensions import db
from participants.mail import delivery, outbox
from participants.models import OutboundMessage, Registration
from tests.participants.fixtures import BASE

from .conftest import calendar_part, publish, queue_and_send


def test_unpublished_agenda_invitation_goes_without_calendar_and_the_page_says_so(
    smtp_server, make_event, login_as, make_person, make_registration
):
    event = make_event("draft-rakor", status="draft", title="Rapat Koordinasi")
    make_registration(event, make_person(email="camat@batukota.example"))
    organiser = login_as("organiser")

    page = organiser.get("/manage/events/draft-rakor/outbox").get_data(as_text=True)
    assert "Susunan acara belum diterbitkan: undangan dikirim tanpa lampiran kalender" in page
    response = organiser.submit(
        "/manage/events/draft-rakor/outbox/invitations", follow_redirects=True
    )
    assert "tanpa lampiran kalender" in response.get_data(as_text=True)
    organiser.submit("/manage/events/draft-rakor/outbox/send")

    (received,) = smtp_server.to("camat@batukota.example")
    assert calendar_part(received) is None
    assert "Senin, 4 Agustus 2025" in received.get_body(("plain",)).get_content()


def test_bulk_invitation_skips_people_without_email_and_those_already_invited(
    smtp_server, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    for n in range(3):
        make_registration(meeting, make_person(email=f"lurah{n}@batukota.example"))
    make_registration(meeting, make_person(email=None))  # reached by WhatsApp instead
    make_registration(meeting, make_person(email="sudah@batukota.example"), status="confirmed")
    organiser = login_as("organiser")

    first, _sent = queue_and_send(organiser, "invitations")
    assert "3 undangan masuk antrean." in first
    assert "1 tanpa alamat email" in first
    assert len(smtp_server.messages) == 3

    again = organiser.submit("/manage/events/sm-tw3/outbox/invitations", follow_redirects=True)
    assert "Tidak ada undangan baru untuk dikirim." in again.get_data(as_text=True)
    assert len(smtp_server.messages) == 3

    # Chosen registrations (e.g. from the registration list) are invited even if confirmed.
    confirmed = db.session.scalar(select(Registration).where(Registration.status == "confirmed"))
    queue_and_send(organiser, "invitations", {"registration": [str(confirmed.id)]})
    assert len(smtp_server.to("sudah@batukota.example")) == 1


def test_reminder_goes_to_invited_and_confirmed_and_asks_the_undecided_to_confirm(
    smtp_server, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    make_registration(meeting, make_person(email="belum@batukota.example"))
    make_registration(meeting, make_person(email="hadir@batukota.example"), status="confirmed")
    make_registration(meeting, make_person(email="tolak@batukota.example"), status="declined")
    organiser = login_as("organiser")

    queue_and_send(organiser, "reminders")
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "belum@batukota.example",
        "hadir@batukota.example",
    ]
    undecided = smtp_server.to("belum@batukota.example")[0]
    assert undecided["Subject"].startswith("Pengingat: Strategic Meeting Triwulan III")
    assert "belum menerima konfirmasi" in undecided.get_body(("plain",)).get_content()
    assert (
        "belum menerima konfirmasi"
        not in smtp_server.to("hadir@batukota.example")[0].get_body(("plain",)).get_content()
    )


def test_agenda_update_tells_affected_confirmed_participants_what_moved(
    smtp_server, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    group_a = make_registration(
        meeting, make_person(email="a@batukota.example"), status="confirmed", group="A"
    )
    make_registration(
        meeting, make_person(email="b@batukota.example"), status="confirmed", group="B"
    )
    make_registration(meeting, make_person(email="belum@batukota.example"), group="A")
    breakout = next(s for s in meeting.sessions if s.title == "Diskusi Kelompok A")
    agenda_services.move_session(
        breakout, starts_at=breakout.starts_at + timedelta(hours=1), room_id=None
    )
    db.session.commit()
    version = publish(meeting)

    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    assert "Antrekan pemberitahuan perubahan versi 2" in page

    result = outbox.queue_agenda_update(meeting, version)
    db.session.commit()
    assert (result.queued, result.not_affected) == (1, 1)
    delivery.send_queued(event_id=meeting.id)

    (received,) = smtp_server.messages
    assert received["To"] == "a@batukota.example"
    assert "versi 2" in received["Subject"]
    body = received.get_body(("plain",)).get_content()
    assert (
        "Jadwal sesi Diskusi Kelompok A pada Senin 4 Agustus diubah: 10.00–11.00 WIB → "
        "11.00–12.00 WIB" in body
    )
    assert f"{BASE}/p/{group_a.link_token}/" in body
    calendar = Calendar.from_ical(calendar_part(received).get_content())
    moved = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Diskusi Kelompok A")
    assert moved.decoded("DTSTART").strftime("%H:%M") == "11:00"
    assert int(moved["SEQUENCE"]) == 1

    # Pressing the button afterwards sends nobody a second copy.
    queue_and_send(organiser, "agenda-update")
    assert len(smtp_server.messages) == 1


def test_first_publication_sends_no_change_notice(meeting, make_person, make_registration):
    make_registration(meeting, make_person(email="a@batukota.example"), status="confirmed")
    version = publish(meeting)
    result = outbox.queue_agenda_update(meeting, version)
    assert (result.queued, result.not_affected) == (0, 1)
    assert delivery.queued_count(meeting.id) == 0


def test_publishing_a_changed_agenda_queues_notices_for_confirmed_participants(
    login_as, make_event, make_session, make_registration, make_person
):
    event = make_event(slug="rakor-q3")
    session = make_session(event, "09:00", "10:00", title="Evaluasi program prioritas")
    confirmed = make_registration(
        event, make_person(email="kadis@batukota.example"), status="confirmed"
    )
    make_registration(event, make_person(email="camat@batukota.example"), status="declined")
    organiser = login_as("organiser")
    organiser.submit("/manage/events/rakor-q3/publish", {"note": ""})

    session.starts_at = session.starts_at + timedelta(hours=1)
    db.session.commit()
    response = organiser.submit(
        "/manage/events/rakor-q3/publish", {"note": ""}, follow_redirects=True
    )
    assert "1 pemberitahuan perubahan jadwal masuk kotak keluar" in response.get_data(as_text=True)
    messages = db.session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "agenda_update")
    ).all()
    assert [(m.registration_id, m.status) for m in messages] == [(confirmed.id, "queued")]
    assert "Jadwal sesi Evaluasi program prioritas pada Senin 4 Agustus diubah" in messages[0].body


def test_the_page_and_the_result_name_the_same_people_without_email(
    smtp_server, meeting, login_as, make_person, make_registration
):
    for name in ("Tanpa Satu", "Tanpa Dua"):
        make_registration(meeting, make_person(name, email=None))
    # Confirmed without e-mail: no invitation goes to them, so the invitation card leaves
    # them out; the reminder card (which does reach confirmed people) counts them.
    make_registration(meeting, make_person("Tanpa Tiga", email=None), status="confirmed")
    make_registration(meeting, make_person(email="ada@batukota.example"))
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    counts = re.findall(r'data-without-email="(\d+)"', page)
    assert counts == ["2", "3"]
    assert "2 tanpa alamat email akan dilewati" in page

    queued = organiser.submit("/manage/events/sm-tw3/outbox/invitations", follow_redirects=True)
    text = queued.get_data(as_text=True)
    assert "2 tanpa alamat email (Tanpa Dua, Tanpa Satu)" in text
