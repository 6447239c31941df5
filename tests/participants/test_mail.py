"""E-mail to participants through the outbox, against a real SMTP server (aiosmtpd) on
127.0.0.1; WhatsApp texts."""

import logging
import re
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import insert, select

from agenda import services as agenda_services
from agenda import versions
from app.extensions import db
from app.timeutil import utcnow
from participants import facts
from participants.mail import cli, delivery, outbox, whatsapp
from participants.models import OutboundMessage, Person, Registration
from tests.participants.fixtures import BASE, SENDER, Collector, free_port  # noqa: F401


@pytest.fixture
def meeting(make_event, make_session, make_opd):
    """A published one-day meeting (Monday 4 August 2025) with a plenary for everyone and one
    breakout per group."""
    opd = make_opd("DISKOMINFO", name="Dinas Komunikasi dan Informatika")
    event = make_event(
        "sm-tw3",
        title="Strategic Meeting Triwulan III",
        start=date(2025, 8, 4),
        venue="Balai Kota Among Tani",
        organiser_opd_id=opd.id,
    )
    make_session(event, "08:00", "09:30", title="Pembukaan dan Arahan Wali Kota")
    make_session(event, "10:00", "11:00", title="Diskusi Kelompok A", track="A")
    make_session(event, "10:00", "11:00", title="Diskusi Kelompok B", track="B")
    return event


def publish(event):
    version = versions.publish(event)
    db.session.commit()
    return version


def messages(**where) -> list[OutboundMessage]:
    db.session.expire_all()
    query = select(OutboundMessage).order_by(OutboundMessage.id)
    for key, value in where.items():
        query = query.where(getattr(OutboundMessage, key) == value)
    return list(db.session.scalars(query))


def calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return parts[0] if parts else None


def queue_and_send(client, action, data=None):
    """Press an outbox button that queues (e.g. "invitations"), then "Kirim antrean"; the page
    after each, as the organiser reads it."""
    queued = client.submit(f"/manage/events/sm-tw3/outbox/{action}", data, follow_redirects=True)
    sent = client.submit("/manage/events/sm-tw3/outbox/send", follow_redirects=True)
    return queued.get_data(as_text=True), sent.get_data(as_text=True)


# --- invitations ------------------------------------------------------------------------------


def test_invitation_carries_personal_link_date_and_the_participants_sessions(
    smtp_server, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    person = make_person("Dr. Ayu Lestari, M.Si.", email="ayu@batukota.example")
    registration = make_registration(meeting, person, group="A")
    organiser = login_as("organiser")

    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    assert "Antrekan undangan untuk 1 peserta" in page
    queued = organiser.submit("/manage/events/sm-tw3/outbox/invitations", follow_redirects=True)
    # Queuing sends nothing: the organiser sends from the outbox when ready.
    assert "1 undangan masuk antrean." in queued.get_data(as_text=True)
    assert smtp_server.messages == []
    assert "Kirim antrean (1 menunggu" in queued.get_data(as_text=True)
    response = organiser.submit("/manage/events/sm-tw3/outbox/send", follow_redirects=True)
    assert "Terkirim 1, gagal 0." in response.get_data(as_text=True)

    (received,) = smtp_server.to("ayu@batukota.example")
    assert "Strategic Meeting Triwulan III" in received["Subject"]
    assert SENDER in received["From"]
    body = received.get_body(("plain",)).get_content()
    assert f"{BASE}/p/{registration.link_token}/" in body
    assert "Yth. Bapak/Ibu Dr. Ayu Lestari, M.Si." in body
    assert "Senin, 4 Agustus 2025" in body
    assert "08.00 WIB s.d. selesai" in body
    assert "Balai Kota Among Tani" in body

    part = calendar_part(received)
    assert part is not None and part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    events = calendar.walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {
        "Pembukaan dan Arahan Wali Kota",
        "Diskusi Kelompok A",
    }
    for item in events:
        assert str(item["ATTENDEE"]).lower() == "mailto:ayu@batukota.example"
        assert str(item["ORGANIZER"]).lower() == f"mailto:{SENDER}"
    opening = next(e for e in events if str(e["SUMMARY"]).startswith("Pembukaan"))
    assert opening.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2025-08-04 08:00"

    (stored,) = messages()
    assert (stored.status, stored.attempts, stored.kind) == ("sent", 1, "invitation")
    assert stored.sent_at is not None


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


def test_a_refused_address_fails_alone_and_a_retry_sends_it(
    smtp_server, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    for name in ("a", "salah", "c"):
        make_registration(meeting, make_person(email=f"{name}@batukota.example"))
    smtp_server.refuse.add("salah@batukota.example")
    organiser = login_as("organiser")

    _queued, sent = queue_and_send(organiser, "invitations")
    assert "Terkirim 2, gagal 1." in sent
    assert {m["To"] for m in smtp_server.messages} == {
        "a@batukota.example",
        "c@batukota.example",
    }
    (failed,) = messages(status="failed")
    assert failed.recipient == "salah@batukota.example"
    assert "550" in failed.error and "ditolak" in failed.error
    assert failed.attempts == 1

    page = organiser.get("/manage/events/sm-tw3/outbox?status=failed").get_data(as_text=True)
    assert "salah@batukota.example" in page and "Mailbox unavailable" in page
    assert "a@batukota.example" not in page

    detail = organiser.get(f"/manage/outbox/{failed.id}").get_data(as_text=True)
    assert "Mailbox unavailable" in detail and "Yth. Bapak/Ibu" in detail

    smtp_server.refuse.clear()  # the address was fixed at the mail server
    organiser.submit(f"/manage/outbox/{failed.id}/retry")
    (retried,) = messages(recipient="salah@batukota.example")
    assert (retried.status, retried.attempts, retried.error) == ("sent", 2, "")
    assert len(smtp_server.to("salah@batukota.example")) == 1
    assert len(smtp_server.messages) == 3  # nobody got a second copy


def test_smtp_server_down_marks_messages_failed_and_retry_all_sends_them_later(
    mail_config, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    make_registration(meeting, make_person(email="kadis@batukota.example"))
    make_registration(meeting, make_person(email="sekdis@batukota.example"))
    organiser = login_as("organiser")

    _queued, text = queue_and_send(organiser, "invitations")
    port = mail_config["MAIL_PORT"]
    assert f"Tidak dapat terhubung ke server email 127.0.0.1:{port}" in text
    stored = messages()
    assert [m.status for m in stored] == ["failed", "failed"]
    assert all(f"127.0.0.1:{port}" in m.error and m.attempts == 1 for m in stored)
    assert "Kirim ulang yang gagal (2)" in organiser.get("/manage/events/sm-tw3/outbox").get_data(
        as_text=True
    )

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        organiser.submit("/manage/events/sm-tw3/outbox/retry-failed")
    finally:
        controller.stop()
    assert [m.status for m in messages()] == ["sent", "sent"]
    assert sorted(m["To"] for m in handler.messages) == [
        "kadis@batukota.example",
        "sekdis@batukota.example",
    ]


def test_a_message_another_sender_is_sending_is_not_sent_twice(
    smtp_server, meeting, make_person, make_registration
):
    make_registration(meeting, make_person(email="satu@batukota.example"))
    outbox.queue_invitations(meeting)
    (message,) = messages()
    message.sent_at = utcnow()  # claimed a moment ago by another worker, still sending
    db.session.commit()
    assert delivery.send_queued().sent == 0
    assert smtp_server.messages == []

    message.sent_at = utcnow() - timedelta(hours=1)  # that worker died long ago
    db.session.commit()
    assert delivery.send_queued().sent == 1
    assert [m["To"] for m in smtp_server.messages] == ["satu@batukota.example"]


def test_sending_is_bounded_per_click_and_says_how_many_remain(
    smtp_server, app, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    for n in range(5):
        make_registration(meeting, make_person(email=f"p{n}@batukota.example"))
    organiser = login_as("organiser")
    saved = app.config.get("MAIL_BATCH_SIZE")
    app.config["MAIL_BATCH_SIZE"] = 2
    try:
        _queued, first = queue_and_send(organiser, "invitations")
        assert "3 email masih menunggu di antrean" in first
        assert len(smtp_server.messages) == 2
        page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
        assert "Kirim antrean (3 menunggu, 2 per klik)" in page
        organiser.submit("/manage/events/sm-tw3/outbox/send")
        organiser.submit("/manage/events/sm-tw3/outbox/send")
    finally:
        app.config["MAIL_BATCH_SIZE"] = saved
    assert len(smtp_server.messages) == 5
    assert len({m["To"] for m in smtp_server.messages}) == 5


def test_mail_is_indonesian_even_when_the_organiser_reads_english(
    smtp_server, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    make_registration(meeting, make_person(email="ayu@batukota.example"))
    organiser = login_as("organiser")
    organiser.user.locale = "en"
    db.session.commit()
    queue_and_send(organiser, "invitations")
    (received,) = smtp_server.messages
    body = received.get_body(("plain",)).get_content()
    assert "Dengan hormat" in body and "Senin, 4 Agustus 2025" in body


def test_no_address_or_name_reaches_the_log(
    smtp_server, meeting, make_person, make_registration, caplog
):
    publish(meeting)
    make_registration(meeting, make_person("Budi Santoso, S.T.", email="budi@batukota.example"))
    smtp_server.refuse.add("budi@batukota.example")
    outbox.queue_invitations(meeting)
    with caplog.at_level(logging.DEBUG):
        result = delivery.send_queued()
    assert result.failed == 1
    # Everything Sinergi logs (the test SMTP server's own log, "mail.log", is not ours).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "outbox: 0 sent, 1 failed" in logged
    assert "budi" not in logged.lower() and "Santoso" not in logged


# --- reminders and agenda changes -------------------------------------------------------------


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


def test_cli_reminds_events_starting_soon_once_and_sends_the_queue(
    smtp_server, app, make_event, make_person, make_registration
):
    today = utcnow().date()
    soon = make_event("besok", start=today + timedelta(days=1), title="Rakor Besok")
    later = make_event("bulan-depan", start=today + timedelta(days=30))
    make_registration(soon, make_person(email="soon@batukota.example"))
    make_registration(later, make_person(email="later@batukota.example"))
    runner = app.test_cli_runner()

    result = runner.invoke(cli.mail_cli, ["remind", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "besok: 1 pengingat diantrekan." in result.output
    assert [m["To"] for m in smtp_server.messages] == ["soon@batukota.example"]

    again = runner.invoke(cli.mail_cli, ["remind", "--days", "3"])
    assert "besok: 0 pengingat diantrekan." in again.output
    assert len(smtp_server.messages) == 1


def test_cli_sends_what_is_queued(smtp_server, app, meeting, make_person, make_registration):
    for n in range(3):
        make_registration(meeting, make_person(email=f"q{n}@batukota.example"))
    outbox.queue_invitations(meeting)
    db.session.commit()
    result = app.test_cli_runner().invoke(cli.mail_cli, ["send-queued"])
    assert result.exit_code == 0, result.output
    assert "Terkirim 3, gagal 0, masih dalam antrean 0." in result.output
    assert len(smtp_server.messages) == 3


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
        "Sesi Diskusi Kelompok A dipindah Senin 4 Agustus 10.00–11.00 WIB → 11.00–12.00 WIB" in body
    )
    assert f"{BASE}/p/{group_a.link_token}/" in body
    calendar = Calendar.from_ical(calendar_part(received).get_content())
    moved = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Diskusi Kelompok A")
    assert moved.decoded("DTSTART").strftime("%H:%M") == "11:00"
    assert int(moved["SEQUENCE"]) == 1

    # Pressing the button afterwards sends nobody a second copy.
    queue_and_send(organiser, "agenda-update")
    assert len(smtp_server.messages) == 1


def test_change_lines_in_indonesian_in_the_event_zone(app):
    change = {
        "type": "moved",
        "title": "Pleno",
        "old_start": "2025-08-04T02:00:00",  # 09.00 WITA
        "old_end": "2025-08-04T03:00:00",
        "new_start": "2025-08-05T01:00:00",
        "new_end": "2025-08-05T02:00:00",
    }
    with facts.indonesian():
        line = facts.change_line(change, "Asia/Makassar")
        room = facts.change_line(
            {"type": "room", "title": "Pleno", "old": "Aula", "new": "Ruang Rapat"},
            "Asia/Makassar",
        )
    assert (
        line
        == "Sesi Pleno dipindah Senin 4 Agustus 10.00–11.00 WITA → Selasa 5 Agustus 09.00–10.00 WITA"
    )
    assert room == "Sesi Pleno pindah ruang: Aula → Ruang Rapat"


# --- the outbox page ----------------------------------------------------------------------------


def _bulk_messages(event, count, start=0):
    """``count`` messages to as many different participants of ``event``, in any status."""
    now = utcnow()
    numbers = range(start, start + count)
    db.session.execute(
        insert(Person),
        [{"name": f"Orang {n}", "level": "pengawas", "email": f"orang{n}@batukota.example"}
         for n in numbers],
    )  # fmt: skip
    people = dict(
        db.session.execute(
            select(Person.email, Person.id).where(
                Person.email.in_([f"orang{n}@batukota.example" for n in numbers])
            )
        ).all()
    )
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "person_id": people[f"orang{n}@batukota.example"],
                "pass_token": f"pass-{n}",
                "link_token": f"link-{n}",
            }
            for n in numbers
        ],
    )
    registrations = dict(
        db.session.execute(
            select(Registration.link_token, Registration.id).where(
                Registration.event_id == event.id
            )
        ).all()
    )
    db.session.execute(
        insert(OutboundMessage),
        [
            {
                "event_id": event.id,
                "registration_id": registrations[f"link-{n}"],
                "kind": ("invitation", "reminder")[n % 2],
                "recipient": f"orang{n}@batukota.example",
                "subject": f"Undangan {n}",
                "body": "…",
                "ics": "",
                "status": ("sent", "failed", "queued")[n % 3],
                "error": "550 ditolak" if n % 3 == 1 else "",
                "attempts": 1,
                "created_at": now,
            }
            for n in numbers
        ],
    )
    db.session.commit()


def test_overall_outbox_links_each_message_and_upcoming_event_to_its_event_page(
    meeting, make_event, login_as
):
    _bulk_messages(meeting, 2)
    make_event("rakor-depan", start=utcnow().date() + timedelta(days=7), title="Rakor Depan")
    page = login_as("organiser").get("/manage/outbox/").get_data(as_text=True)
    assert 'href="/manage/events/sm-tw3/outbox">Strategic Meeting Triwulan III</a>' in page
    assert 'href="/manage/events/rakor-depan/outbox">Rakor Depan</a>' in page


@pytest.mark.parametrize("path", ["/manage/events/sm-tw3/outbox", "/manage/outbox/"])
def test_outbox_page_costs_the_same_queries_for_5_and_100_messages(
    meeting, make_event, login_as, count_queries, path
):
    organiser = login_as("organiser")
    _bulk_messages(meeting, 5)
    organiser.get(path)  # warm up (first-request work)
    with count_queries() as few:
        response = organiser.get(path)
    assert response.status_code == 200
    _bulk_messages(meeting, 90, start=5)
    for n in range(5):  # messages of other events too (shown on the overall page)
        _bulk_messages(make_event(f"lain-{n}"), 1, start=100 + n)
    with count_queries() as many:
        response = organiser.get(path)
    page = response.get_data(as_text=True)
    assert few.count == many.count, many.statements
    assert "Orang 94" in page and "orang94@batukota.example" in page
    if path == "/manage/outbox/":
        assert "Gagal: 34" in page and "Terkirim: 33" in page and "Menunggu: 33" in page
        assert 'href="/manage/events/lain-4/outbox"' in page
    else:
        assert "Gagal: 32" in page and "Terkirim: 32" in page and "Menunggu: 31" in page
    assert "550 ditolak" in page


def test_outbox_filters_by_status_and_kind(meeting, login_as):
    _bulk_messages(meeting, 6)
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox?status=failed&kind=reminder")
    text = page.get_data(as_text=True)
    # n = 1 is failed + reminder; n = 4 is failed + invitation
    assert "orang1@batukota.example" in text
    assert "orang4@batukota.example" not in text and "orang0@batukota.example" not in text


@pytest.mark.parametrize("role", ["viewer", "operator", "opd"])
def test_only_organisers_and_admins_see_or_send(meeting, login_as, role):
    client = login_as(role)
    _bulk_messages(meeting, 1)
    (message,) = messages()
    for path in (
        "/manage/outbox/",
        "/manage/events/sm-tw3/outbox",
        "/manage/events/sm-tw3/whatsapp",
        f"/manage/outbox/{message.id}",
    ):
        assert client.get(path).status_code == 403
    assert client.submit(f"/manage/outbox/{message.id}/retry").status_code == 403
    for path in (
        "/manage/events/sm-tw3/outbox/invitations",
        "/manage/events/sm-tw3/outbox/reminders",
        "/manage/events/sm-tw3/outbox/send",
        "/manage/outbox/retry-failed",
    ):
        assert client.submit(path).status_code == 403


def test_admin_sees_the_outbox_and_posts_need_a_csrf_token(meeting, login_as):
    admin = login_as("admin")
    assert admin.get("/manage/outbox/").status_code == 200
    assert admin.get("/manage/events/sm-tw3/outbox").status_code == 200
    assert admin.post("/manage/events/sm-tw3/outbox/invitations").status_code == 400


# --- WhatsApp -------------------------------------------------------------------------------------


def test_whatsapp_text_has_the_personal_link_and_nobody_elses_data(
    mail_config, meeting, make_person, make_registration, request_ctx
):
    publish(meeting)
    ayu = make_registration(
        meeting, make_person("Ayu Lestari", email="ayu@batukota.example", phone="0812-3456-7890")
    )
    budi = make_registration(
        meeting, make_person("Budi Santoso", email="budi@batukota.example", phone="0813 1111 2222")
    )
    text = whatsapp.whatsapp_text(ayu)
    assert text.startswith("Yth. Bapak/Ibu Ayu Lestari,")
    assert f"{BASE}/p/{ayu.link_token}/" in text
    assert "Strategic Meeting Triwulan III" in text and "Senin, 4 Agustus 2025" in text
    assert "Balai Kota Among Tani" in text and "08.00 WIB" in text
    assert "konfirmasi kehadiran" in text
    for other in ("Budi", budi.link_token, "budi@", "1111", "ayu@batukota", ayu.pass_token):
        assert other not in text


def test_whatsapp_page_has_a_copyable_text_and_wa_me_link_per_participant(
    mail_config, meeting, make_person, make_registration, login_as
):
    ayu = make_registration(meeting, make_person("Ayu Lestari", phone="+62 812-3456-7890"))
    make_registration(meeting, make_person("Tanpa Telepon", phone=""))
    make_registration(meeting, make_person("Sudah Menolak"), status="declined")
    page = login_as("organiser").get("/manage/events/sm-tw3/whatsapp").get_data(as_text=True)
    assert f'id="wa-{ayu.id}"' in page and f"{BASE}/p/{ayu.link_token}/" in page
    assert "https://wa.me/6281234567890?text=Yth.%20Bapak%2FIbu%20Ayu%20Lestari" in page
    assert "Nomor WhatsApp belum tercatat" in page  # Tanpa Telepon
    assert "Sudah Menolak" not in page
    assert 'data-copy="wa-' in page


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("812345678901", "62812345678901"),
        ("(0341) 512345", "62341512345"),
        ("12345", None),
        ("", None),
        ("+1 202 555 0100", None),
    ],
)
def test_phone_numbers_become_wa_me_numbers(raw, expected):
    assert whatsapp.wa_number(raw) == expected


def test_personal_link_uses_the_request_host_without_base_url(
    app, meeting, make_person, make_registration
):
    registration = make_registration(meeting, make_person())
    saved = app.config.get("BASE_URL")
    app.config["BASE_URL"] = ""
    try:
        with app.test_request_context("/", base_url="https://panitia.example"):
            url = facts.personal_url(registration)
    finally:
        app.config["BASE_URL"] = saved
    assert url == f"https://panitia.example/p/{registration.link_token}/"


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
    assert "Evaluasi program prioritas dipindah" in messages[0].body


# --- without a mail server: said before the click; a local folder in development -----------------


@pytest.fixture
def no_mail_server(app, tmp_path):
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_FOLDER", "BASE_URL")}
    app.config.update(MAIL_SERVER="", MAIL_FOLDER="", BASE_URL=BASE)
    yield app.config
    app.config.update(saved)


def test_without_a_mail_server_the_outbox_says_so_and_nothing_is_lost(
    no_mail_server, meeting, login_as, make_person, make_registration
):
    make_registration(meeting, make_person(email="kadis@batukota.example"))
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    assert "Belum ada server email: isi MAIL_SERVER" in page  # before anyone clicks

    _queued, sent = queue_and_send(organiser, "invitations")
    assert "Email tetap menunggu di antrean." in sent
    assert [(m.status, m.attempts) for m in messages()] == [("queued", 0)]


def test_in_development_mail_goes_to_a_local_folder_the_outbox_links_to(
    no_mail_server, tmp_path, meeting, login_as, make_person, make_registration
):
    no_mail_server["MAIL_FOLDER"] = str(tmp_path / "mail")
    publish(meeting)
    registration = make_registration(meeting, make_person("Ayu Lestari", email="ayu@batu.example"))
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    assert "Mode demo" in page and "/manage/outbox/mailbox/" in page

    queue_and_send(organiser, "invitations")
    assert [m.status for m in messages()] == ["sent"]
    (eml,) = (tmp_path / "mail").glob("*.eml")
    listing = organiser.get("/manage/outbox/mailbox/").get_data(as_text=True)
    assert "ayu@batu.example" in listing and "Strategic Meeting Triwulan III" in listing

    shown = organiser.get(f"/manage/outbox/mailbox/{eml.name}").get_data(as_text=True)
    link = f"{BASE}/p/{registration.link_token}/"
    assert f'href="{link}"' in shown  # the personal link, clickable
    assert "undangan.ics" in shown or ".ics" in shown
    attachment = organiser.get(f"/manage/outbox/mailbox/{eml.name}/part/0")
    assert attachment.headers["Content-Disposition"].startswith("attachment")
    assert Calendar.from_ical(attachment.data)["METHOD"] == "REQUEST"
    raw = organiser.get(f"/manage/outbox/mailbox/{eml.name}/raw")
    assert raw.data == eml.read_bytes()

    # Only file names the folder writer makes are opened; nothing else on disk is reachable.
    assert organiser.get("/manage/outbox/mailbox/..%2Fsecret.eml").status_code == 404
    assert organiser.get("/manage/outbox/mailbox/x.eml").status_code == 404
    viewer = login_as("viewer")
    assert viewer.get(f"/manage/outbox/mailbox/{eml.name}").status_code == 403


def test_the_local_mailbox_does_not_exist_when_a_server_sends(smtp_server, login_as):
    assert login_as("organiser").get("/manage/outbox/mailbox/").status_code == 404


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
