"""Mail to participants: a published meeting to write about, and helpers to read the outbox."""

from datetime import date

import pytest
from sqlalchemy import select

from agenda import versions
from app.extensions import db
from participants.models import OutboundMessage
from tests.participants.fixtures import BASE


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


@pytest.fixture
def no_mail_server(app, tmp_path):
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_FOLDER", "BASE_URL")}
    app.config.update(MAIL_SERVER="", MAIL_FOLDER="", BASE_URL=BASE)
    yield app.config
    app.config.update(saved)
