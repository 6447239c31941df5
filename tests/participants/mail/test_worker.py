"""The outbox, the event reminders and the OPD digest through a REAL Celery worker (a
subprocess) against the local Redis and a real SMTP server (aiosmtpd): one click sends the
whole queue, each message arrives once, and a worker killed with -9 in the middle of a batch
loses nothing and sends nothing twice once a worker runs again. On SQLite and PostgreSQL
alike (the worker shares the test database)."""

import signal
import socket
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.extensions import db
from app.tasks import bound
from followup import services as followup_services
from followup.tasks import send_daily_digests
from participants.mail import outbox
from participants.mail.tasks import remind_upcoming_events
from participants.models import OutboundMessage
from tests.participants.fixtures import Collector
from tests.worker import stop, wait_for

from .conftest import messages, publish


def sent_count() -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count(OutboundMessage.id)).where(OutboundMessage.status == "sent")
    )


def invite(meeting, make_person, make_registration, count: int) -> list[str]:
    addresses = [f"peserta{n:03d}@batukota.example" for n in range(count)]
    for address in addresses:
        make_registration(meeting, make_person(email=address))
    publish(meeting)
    return addresses


def test_one_click_hands_the_queue_to_the_worker_and_the_page_follows_it(
    app, gated_smtp, workers, meeting, login_as, make_person, make_registration
):
    server = gated_smtp()
    addresses = invite(meeting, make_person, make_registration, 40)
    app.config["MAIL_BATCH_SIZE"] = 7
    try:
        organiser = login_as("organiser")
        organiser.submit("/manage/events/sm-tw3/outbox/invitations")
        clicked = organiser.submit("/manage/events/sm-tw3/outbox/send", follow_redirects=True)
    finally:
        app.config["MAIL_BATCH_SIZE"] = 30
    page = clicked.get_data(as_text=True)
    assert "40 email diserahkan ke pengirim latar belakang" in page
    # Nothing is sent in the request: the page polls the progress while the worker sends.
    assert server.messages == []
    assert 'data-outbox-progress="running"' in page and 'hx-trigger="every 2s"' in page
    assert "terkirim 0 dari 40" in page and "menunggu 40" in page
    assert "Kirim antrean (" not in page  # all handed over: nothing left for another click

    workers()
    wait_for(lambda: sent_count() == 40)
    assert sorted(m["To"] for m in server.messages) == addresses  # each once
    fragment = organiser.get("/manage/events/sm-tw3/outbox/progress").get_data(as_text=True)
    assert 'data-outbox-progress="done"' in fragment and "hx-trigger" not in fragment
    assert "terkirim 40 dari 40" in fragment and "gagal 0" in fragment
    assert {m.claimed_by for m in messages()} != {None}  # sent by the worker's tasks


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    app, gated_smtp, workers, meeting, make_person, make_registration
):
    server = gated_smtp(gate=12)  # the 12th message is being sent when the worker dies
    addresses = invite(meeting, make_person, make_registration, 30)
    outbox.queue_invitations(meeting)
    db.session.commit()
    app.config["MAIL_BATCH_SIZE"] = 10
    try:
        from participants.mail.tasks import dispatch

        assert dispatch(event_id=meeting.id).count == 30
    finally:
        app.config["MAIL_BATCH_SIZE"] = 30
    first = workers()
    assert server.reached.wait(60), "the worker never reached the 12th message"
    stop(first, signal.SIGKILL)  # kill -9 in the middle of the second batch
    server.release.set()
    assert len(server.messages) == 11
    # The rest of the second batch (12th–20th) is claimed by the dead task, and not sent.
    claimed = [m for m in messages(status="queued") if m.claimed_by]
    assert len(claimed) == 9 and len({m.claimed_by for m in claimed}) == 1
    assert not {m.recipient for m in claimed} & {m["To"] for m in server.messages}

    workers()  # the task comes back (acks_late) and takes over its own claim
    wait_for(lambda: sent_count() == 30, what="the restarted worker")
    assert sorted(m["To"] for m in server.messages) == addresses  # every message exactly once
    assert [m.status for m in messages()] == ["sent"] * 30


def test_reminders_and_the_digest_run_in_the_worker_and_only_once(
    app, gated_smtp, workers, make_event, make_person, make_registration, make_user, city, make_item
):
    server = gated_smtp()
    today = followup_services.today()
    event = make_event("rakor-besok", title="Rapat Koordinasi Besok", start=today + timedelta(1))
    make_registration(event, make_person(email="kadis@batukota.example"), status="confirmed")
    make_item(city["dpupr"], due_on=today - timedelta(days=1), title="Laporan fisik")
    make_user("opd", email="pu@batukota.example", opd=city["dpupr"])
    celery = app.extensions["celery"]
    for entry in celery.conf.beat_schedule.values():  # beat names only tasks that exist
        assert entry["task"] in celery.tasks, entry["task"]
    workers()

    assert bound(remind_upcoming_events).delay().get(timeout=60) == 1
    assert bound(send_daily_digests).delay().get(timeout=60) == 1
    wait_for(lambda: sent_count() == 2)
    (reminder,) = server.to("kadis@batukota.example")
    assert "Rapat Koordinasi Besok" in reminder["Subject"]
    (digest,) = server.to("pu@batukota.example")
    assert "Laporan fisik" in digest.get_body(("plain",)).get_content()

    # Run again (beat twice, a redelivery): nothing new is queued or sent.
    assert bound(remind_upcoming_events).delay().get(timeout=60) == 0
    assert bound(send_daily_digests).delay().get(timeout=60) == 0
    assert len(server.messages) == 2


class BusyCollector(Collector):
    """Answers "451 try again later" to the transactions numbered in ``busy`` (1-based)."""

    def __init__(self, busy: set[int]):
        super().__init__()
        self.busy, self.mails, self.refused = busy, 0, 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        self.mails += 1
        if self.mails in self.busy:
            self.refused += 1
            return "451 4.3.0 Try again later"
        envelope.mail_from = address
        return "250 OK"


def test_while_smtp_is_down_then_busy_the_worker_retries_and_each_message_arrives_once(
    app, mail_config, workers, meeting, login_as, make_person, make_registration
):
    port = mail_config["MAIL_PORT"]
    with socket.socket() as probe:  # nothing listens: the server is down
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    addresses = invite(meeting, make_person, make_registration, 12)
    app.config["MAIL_BATCH_SIZE"] = 5  # three batches: 5, 5, 2
    try:
        organiser = login_as("organiser")
        organiser.submit("/manage/events/sm-tw3/outbox/invitations")
        organiser.submit("/manage/events/sm-tw3/outbox/send")
    finally:
        app.config["MAIL_BATCH_SIZE"] = 30
    workers(MAIL_RETRY_DELAYS="1,1,1,2,2,2,2,2,2,2,2,2,2,2,2,2")

    def every_batch_tried() -> bool:
        return len([m for m in messages() if m.attempts]) >= 3

    wait_for(every_batch_tried, what="the first tries")
    down = messages()
    assert {m.status for m in down} == {"queued"}  # kept for a retry, none given up
    assert all(m.claimed_by is None for m in down)  # released: the next try may claim them
    assert any("hubung" in m.error.lower() or "refused" in m.error.lower() for m in down), [
        m.error for m in down
    ]

    # The server comes back, busy at first: two of its first transactions are deferred.
    server = BusyCollector(busy={2, 4})
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        wait_for(lambda: sent_count() == 12, what="the retries")
    finally:
        controller.stop()
    assert server.refused == 2
    assert sorted(m["To"] for m in server.messages) == addresses  # each exactly once
    assert messages(status="failed") == []
    assert all(m.error == "" for m in messages())
