"""Background work of the outbox (app/tasks.py): sending batches, the daily event reminders
and the sweep for messages whose task was lost. Plain functions taking ids; the outbox rows'
state decides what is left to do, so each may run twice."""

from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select, update

from agenda.models import Event
from app.extensions import db
from app.timeutil import DEFAULT_ZONE, to_zone, utcnow
from participants.mail import delivery
from participants.mail.outbox import queue_reminders
from participants.models import OutboundMessage


@shared_task(bind=True, name="participants.mail.tasks.send_batch", max_retries=None)
def send_batch(self, message_ids: list[int]) -> dict:
    """Send these outbox messages over one SMTP connection. In a worker, a server that is
    down or busy leaves them queued and the task tries again later (``delivery.retry_delays``); when
    the last try fails too they are marked failed with the server's answer."""
    eager = bool(self.request.is_eager)
    result = delivery.deliver(message_ids, token=self.request.id or "eager", keep_queued=not eager)
    if result.unsent:
        tries, delays = self.request.retries, delivery.retry_delays()
        if tries < len(delays):
            db.session.execute(  # still on its way: the sweep leaves it alone
                update(OutboundMessage)
                .where(OutboundMessage.id.in_(result.unsent))
                .values(dispatched_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            raise self.retry(args=(result.unsent,), countdown=delays[tries])
        result.failed += delivery.give_up(result.unsent, result.connection_error or "")
    return {
        "sent": result.sent,
        "failed": result.failed,
        "connection_error": result.connection_error,
    }


@shared_task(name="participants.mail.tasks.remind_upcoming_events")
def remind_upcoming_events(days: int = 2) -> int:
    """Daily (beat): queue and send reminders for published events starting within ``days``
    days; participants already reminded are not reminded again. Returns how many were queued."""
    if not current_app.config.get("BASE_URL"):
        current_app.logger.warning("event reminders skipped: BASE_URL is not set")
        return 0
    today = to_zone(utcnow(), DEFAULT_ZONE).date()
    events = db.session.scalars(
        select(Event.id).where(
            Event.status == "published",
            Event.start_date >= today,
            Event.start_date <= today + timedelta(days=days),
        )
    ).all()
    queued = 0
    for event_id in events:
        queued += queue_reminders(db.session.get(Event, event_id), only_new=True).queued
        db.session.commit()
        delivery.dispatch(event_id=event_id, kind="reminder")
    return queued


@shared_task(name="participants.mail.tasks.redispatch_stalled")
def redispatch_stalled() -> int:
    """Periodic (beat): messages handed to the queue long ago and still waiting, unclaimed
    (their task was lost with the broker's data), are handed over again."""
    return delivery.dispatch(stalled=True).count
