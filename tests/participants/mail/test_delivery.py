"""Sending (participants/mail/delivery.py) against a real SMTP server (aiosmtpd) on 127.0.0.1:
what arrives, refused addresses and a server that is down, bounded batches, no double
sending, Bahasa Indonesia always, no personal data in the log."""

import logging
from datetime import timedelta

from aiosmtpd.controller import Controller
from flask import current_app
from icalendar import Calendar

from app.extensions import db
from app.tasks import bound
from app.timeutil import utcnow
from participants.mail import delivery, outbox, tasks
from tests.participants.fixtures import BASE, SENDER, Collector

from .conftest import calendar_part, messages, publish, queue_and_send


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


def test_one_click_sends_the_whole_queue_in_batches_and_the_page_shows_the_run(
    smtp_server, app, meeting, login_as, make_person, make_registration
):
    publish(meeting)
    for n in range(5):
        make_registration(meeting, make_person(email=f"p{n}@batukota.example"))
    organiser = login_as("organiser")
    queued = organiser.submit("/manage/events/sm-tw3/outbox/invitations", follow_redirects=True)
    assert "Kirim antrean (5 menunggu)" in queued.get_data(as_text=True)
    saved = app.config.get("MAIL_BATCH_SIZE")
    app.config["MAIL_BATCH_SIZE"] = 2  # three batches, one SMTP connection each
    try:
        sent = organiser.submit("/manage/events/sm-tw3/outbox/send", follow_redirects=True)
    finally:
        app.config["MAIL_BATCH_SIZE"] = saved
    page = sent.get_data(as_text=True)
    assert "Terkirim 5, gagal 0." in page
    assert "Kirim antrean (" not in page  # nothing left to send
    assert "Pengiriman terakhir selesai:" in page and "terkirim 5 dari 5" in page
    assert 'data-outbox-progress="done"' in page and "hx-trigger" not in page
    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"p{n}@batukota.example" for n in range(5)
    ]
    again = organiser.submit("/manage/events/sm-tw3/outbox/send", follow_redirects=True)
    assert "Tidak ada email yang menunggu untuk dikirim." in again.get_data(as_text=True)
    assert len(smtp_server.messages) == 5


def test_the_same_batch_delivered_twice_sends_nothing_twice(
    smtp_server, meeting, make_person, make_registration
):
    for n in range(3):
        make_registration(meeting, make_person(email=f"p{n}@batukota.example"))
    outbox.queue_invitations(meeting)
    ids = [m.id for m in messages()]
    first = delivery.deliver(ids, token="task-1", keep_queued=True)
    second = delivery.deliver(ids, token="task-1", keep_queued=True)  # redelivered
    other = delivery.deliver(ids, token="task-2", keep_queued=True)  # a duplicate task
    assert (first.sent, second.sent, other.sent) == (3, 0, 0)
    assert len(smtp_server.messages) == 3


def test_a_killed_task_takes_over_its_own_claim_but_not_another_live_one(
    smtp_server, meeting, make_person, make_registration
):
    make_registration(meeting, make_person(email="satu@batukota.example"))
    outbox.queue_invitations(meeting)
    (message,) = messages()
    message.sent_at, message.claimed_by = utcnow(), "task-1"  # claimed, then the worker died
    db.session.commit()
    assert delivery.deliver([message.id], token="task-2").sent == 0
    assert delivery.deliver([message.id], token="task-1").sent == 1  # the same task, redelivered
    assert [m["To"] for m in smtp_server.messages] == ["satu@batukota.example"]


def test_in_a_worker_a_server_that_is_down_leaves_messages_queued_for_a_retry(
    mail_config, meeting, make_person, make_registration
):
    for n in range(2):
        make_registration(meeting, make_person(email=f"p{n}@batukota.example"))
    outbox.queue_invitations(meeting)
    ids = [m.id for m in messages()]
    result = delivery.deliver(ids, token="task-1", keep_queued=True)
    assert result.unsent == ids and result.sent == result.failed == 0
    stored = messages()
    assert [m.status for m in stored] == ["queued", "queued"]
    assert [m.claimed_by for m in stored] == [None, None]
    assert "Tidak dapat terhubung ke server email" in stored[0].error
    assert delivery.give_up(ids, result.connection_error) == 2
    assert [m.status for m in messages()] == ["failed", "failed"]


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
    # At the app's own logger too: an app built earlier with production settings may have set
    # its (process-wide) level above INFO.
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, logger=current_app.logger.name),
    ):
        result = delivery.send_queued()
    assert result.failed == 1
    # Everything Sinergi logs (the test SMTP server's own log, "mail.log", is not ours).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "outbox: 0 sent, 1 failed" in logged
    assert "budi" not in logged.lower() and "Santoso" not in logged


def test_the_sweep_hands_over_again_only_what_was_lost_long_ago(
    smtp_server, meeting, make_person, make_registration
):
    for name in ("lama", "baru", "belum"):
        make_registration(meeting, make_person(email=f"{name}@batukota.example"))
    outbox.queue_invitations(meeting)
    by_address = {m.recipient: m for m in messages()}
    now = utcnow()
    by_address["lama@batukota.example"].dispatched_at = now - timedelta(hours=2)  # task lost
    by_address["baru@batukota.example"].dispatched_at = now - timedelta(minutes=5)  # on its way
    db.session.commit()  # "belum": queued, waiting for the organiser's click

    assert bound(tasks.redispatch_stalled)() == 1  # as beat would run it, on this app
    assert [m["To"] for m in smtp_server.messages] == ["lama@batukota.example"]
    assert {m.recipient: m.status for m in messages()} == {
        "lama@batukota.example": "sent",
        "baru@batukota.example": "queued",
        "belum@batukota.example": "queued",
    }
