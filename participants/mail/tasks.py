"""Background work of the outbox (app/tasks.py): sending batches, the daily event reminders
and the sweep for messages whose task was lost. Plain functions taking ids; the outbox rows'
state decides what is left to do, so each may run twice."""

from dataclasses import dataclass, field
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select, update

from agenda.models import Event
from app.extensions import db
from app.tasks import bound, in_background
from app.timeutil import DEFAULT_ZONE, to_zone, utcnow
from participants.mail import delivery
from participants.mail.outbox import message_scope, queue_reminders
from participants.models import OutboundMessage


@dataclass
class Dispatched:
    """What "Kirim antrean" did: how many messages went to the task queue; when tasks run in
    the request (no broker), what happened to them."""

    count: int = 0
    background: bool = False
    result: delivery.SendResult = field(default_factory=delivery.SendResult)


def dispatch(
    *, event_id: int | None = None, ids=None, kind: str | None = None, stalled: bool = False
) -> Dispatched:
    """Hand every queued message (of one event, with these ids, of one kind) to the task queue
    in batches of MAIL_BATCH_SIZE (one SMTP connection each). Without a broker the batches
    run here and now. Commits."""
    db.session.commit()
    done = Dispatched(background=in_background())
    if not delivery.transport():
        done.result.connection_error = delivery.not_configured_text()
        done.result.remaining = delivery.queued_count(event_id)
        return done
    now = utcnow()
    query = message_scope(
        select(OutboundMessage.id).where(*delivery.claimable(now, "")), event_id, ids
    ).order_by(OutboundMessage.id)
    if stalled:  # the periodic sweep: handed over long ago and still here
        query = query.where(OutboundMessage.dispatched_at < now - delivery.STALLED_AFTER)
    else:  # the click: what waits for it, not what is already on its way
        query = query.where(OutboundMessage.dispatched_at.is_(None))
    if kind:
        query = query.where(OutboundMessage.kind == kind)
    chosen = list(db.session.scalars(query))
    size = delivery.batch_size()
    for start in range(0, len(chosen), 500):
        db.session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(chosen[start : start + 500]))
            .values(dispatched_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    done.count = len(chosen)
    for start in range(0, len(chosen), size):
        outcome = bound(send_batch).delay(chosen[start : start + size])
        if not done.background:
            batch = outcome.get()
            done.result.sent += batch["sent"]
            done.result.failed += batch["failed"]
            done.result.connection_error = done.result.connection_error or batch["connection_error"]
    if not done.background:
        done.result.remaining = delivery.queued_count(event_id)
    return done


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
        dispatch(event_id=event_id, kind="reminder")
    return queued


@shared_task(name="participants.mail.tasks.redispatch_stalled")
def redispatch_stalled() -> int:
    """Periodic (beat): messages handed to the queue long ago and still waiting, unclaimed
    (their task was lost with the broker's data), are handed over again."""
    return dispatch(stalled=True).count
