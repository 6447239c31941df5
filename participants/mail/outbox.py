"""The outbox: who gets which message (queueing, never twice), and the outbox page's queries.

Every message is first written to the outbox (``OutboundMessage``, status ``queued``) with its
final text; participants.mail.delivery sends it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from agenda.models import AgendaVersion, Event
from app.audit.services import ACTION_LABELS, record
from app.extensions import db
from app.timeutil import to_zone, utcnow
from participants.facts import (
    change_line,
    changes_for_group,
    event_facts,
    indonesian,
    snapshot_sessions,
)
from participants.mail.compose import compose_agenda_update, compose_invitation, compose_reminder
from participants.models import OutboundMessage, Person, Registration

ACTION_LABELS.setdefault("mail", _l("email diantrekan"))

KIND_LABELS = {
    "invitation": _l("Undangan"),
    "reminder": _l("Pengingat"),
    "agenda_update": _l("Perubahan acara"),
}
STATUS_LABELS = {"queued": _l("Menunggu"), "sent": _l("Terkirim"), "failed": _l("Gagal")}

# Who receives what (registration statuses).
INVITATION_STATUSES = ("invited", "confirmed")  # bulk "send invitations": only "invited"
REMINDER_STATUSES = ("invited", "confirmed")
UPDATE_STATUSES = ("confirmed",)

# --- queueing -----------------------------------------------------------------------------------


def message_scope(query, event_id=None, ids=None):
    """``query`` of outbox messages narrowed to one event and/or some ids."""
    if event_id is not None:
        query = query.where(OutboundMessage.event_id == event_id)
    if ids is not None:
        query = query.where(OutboundMessage.id.in_(list(ids) or [0]))
    return query


@dataclass
class QueueResult:
    queued: int = 0
    without_email: list[str] = field(default_factory=list)  # skipped (names): no e-mail
    already: int = 0  # skipped: already has such a message (queued or sent)
    not_affected: int = 0  # agenda update: no change touches their sessions
    with_calendar: bool = True


def _registrations(event: Event, statuses, ids=None) -> list[Registration]:
    query = (
        select(Registration)
        .join(Registration.person)
        .where(Registration.event_id == event.id, Registration.status.in_(statuses))
        .options(joinedload(Registration.person))
        .order_by(Person.name, Registration.id)
    )
    if ids is not None:
        query = query.where(Registration.id.in_(list(ids) or [0]))
    return list(db.session.scalars(query))


def _already_messaged(event: Event, kind: str, since: datetime | None = None) -> set[int]:
    query = select(OutboundMessage.registration_id).where(
        OutboundMessage.event_id == event.id,
        OutboundMessage.kind == kind,
        OutboundMessage.status.in_(("queued", "sent")),
        OutboundMessage.registration_id.is_not(None),
    )
    if since is not None:
        query = query.where(OutboundMessage.created_at >= since)
    return set(db.session.scalars(query))


def _queue(event, kind, registrations, compose, skip_ids=()) -> QueueResult:
    result = QueueResult()
    with indonesian():
        for registration in registrations:
            if not registration.person.email:
                result.without_email.append(registration.person.name)
            elif registration.id in skip_ids:
                result.already += 1
            else:
                message = compose(registration)
                if message is None:
                    result.not_affected += 1
                    continue
                db.session.add(message)
                result.queued += 1
    if result.queued:
        record(event, "mail", changes={kind: [None, result.queued]})
    return result


def queue_invitations(event: Event, registration_ids=None) -> QueueResult:
    """Invitations with the personal link and (once published) the agenda as .ics.

    ``registration_ids`` given: those registrations (invited or confirmed), even if they were
    invited before. Otherwise every registration still ``invited`` that has no invitation
    queued or sent yet.
    """
    facts = event_facts(event)
    if registration_ids is None:
        registrations = _registrations(event, ("invited",))
        skip = _already_messaged(event, "invitation")
    else:
        registrations = _registrations(event, INVITATION_STATUSES, registration_ids)
        skip = set()
    result = _queue(
        event, "invitation", registrations, lambda r: compose_invitation(r, facts), skip
    )
    result.with_calendar = facts.version is not None
    return result


def queue_reminders(event: Event, *, only_new: bool = False) -> QueueResult:
    """A reminder to every invited or confirmed participant (``only_new``: not reminded yet)."""
    facts = event_facts(event)
    skip = _already_messaged(event, "reminder") if only_new else set()
    registrations = _registrations(event, REMINDER_STATUSES)
    return _queue(event, "reminder", registrations, lambda r: compose_reminder(r, facts), skip)


def queue_agenda_update(event: Event, version: AgendaVersion) -> QueueResult:
    """Tell confirmed participants what changed in ``version`` (only the changes touching
    their sessions; participants no change touches get nothing). Call after publishing."""
    facts = event_facts(event)
    if facts.version is None or facts.version.id != version.id:
        facts.version, facts.sessions = version, snapshot_sessions(version)
    skip = _already_messaged(event, "agenda_update", since=version.published_at)
    per_group: dict[str, list[str]] = {}

    def compose(registration):
        group = registration.group
        if group not in per_group:
            per_group[group] = [
                change_line(c, event.timezone) for c in changes_for_group(version, group)
            ]
        if not per_group[group]:
            return None
        return compose_agenda_update(registration, facts, version, per_group[group])

    registrations = _registrations(event, UPDATE_STATUSES)
    return _queue(event, "agenda_update", registrations, compose, skip)


def agenda_update_sent(event: Event, version: AgendaVersion) -> int:
    """How many notices about ``version`` are queued or sent already."""
    return len(_already_messaged(event, "agenda_update", since=version.published_at))


# --- the outbox page ------------------------------------------------------------------------------


def outbox_query(event_id: int | None = None, status: str = "", kind: str = ""):
    query = message_scope(select(OutboundMessage), event_id).options(
        joinedload(OutboundMessage.registration).joinedload(Registration.person)
    )
    if status:
        query = query.where(OutboundMessage.status == status)
    if kind:
        query = query.where(OutboundMessage.kind == kind)
    return query.order_by(OutboundMessage.id.desc())


def event_titles(event_ids) -> dict[int, tuple[str, str]]:
    """{event id: (slug, title)} for the overall outbox's event column, in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Event.id, Event.slug, Event.title).where(Event.id.in_(list(event_ids)))
    )
    return {event_id: (slug, title) for event_id, slug, title in rows}


def upcoming_events(limit: int) -> list[Event]:
    """Events not over yet, soonest first: those the overall outbox offers to open."""
    return db.session.scalars(
        select(Event)
        .where(Event.end_date >= to_zone(utcnow()).date())
        .order_by(Event.start_date, Event.id)
        .limit(limit)
    ).all()


def status_counts(event_id: int | None = None) -> dict[str, int]:
    rows = db.session.execute(
        message_scope(
            select(OutboundMessage.status, func.count(OutboundMessage.id)).group_by(
                OutboundMessage.status
            ),
            event_id,
        )
    ).all()
    counts = dict.fromkeys(STATUS_LABELS, 0)
    counts.update({status: count for status, count in rows})
    return counts


@dataclass
class EventMailStats:
    """Who each button on an event's outbox page reaches. Built from the same query and the
    same test (``person.email``) as the queueing, so the page and the result agree."""

    invited: int = 0  # status invited, with e-mail
    invited_new: int = 0  # of those: no invitation queued or sent yet
    remindable: int = 0  # invited or confirmed, with e-mail
    reminded: int = 0  # of those: already reminded
    confirmed: int = 0  # confirmed, with e-mail
    # Names of those each button skips for want of an address (reach them by WhatsApp).
    invitation_without_email: list[str] = field(default_factory=list)
    reminder_without_email: list[str] = field(default_factory=list)


def event_mail_stats(event: Event) -> EventMailStats:
    """A fixed number of queries, whatever the number of participants."""
    invited = _already_messaged(event, "invitation")
    reminded = _already_messaged(event, "reminder")
    stats = EventMailStats()
    for registration in _registrations(event, REMINDER_STATUSES):
        name = registration.person.name
        if not registration.person.email:
            stats.reminder_without_email.append(name)
            if registration.status == "invited":
                stats.invitation_without_email.append(name)
            continue
        stats.remindable += 1
        stats.reminded += registration.id in reminded
        if registration.status == "invited":
            stats.invited += 1
            stats.invited_new += registration.id not in invited
        else:
            stats.confirmed += 1
    return stats


@dataclass
class Progress:
    """The latest "Kirim antrean" run of a scope: what its messages became so far."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0  # handed to the task queue, not sent yet

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.waiting

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def running(self) -> bool:
        return self.waiting > 0


def send_progress(event_id: int | None = None) -> Progress | None:
    """Counts over the messages handed to the queue since the oldest one still on its way
    (or, when all went, since the last hand-over); None when nothing was ever handed over."""
    waiting_since = db.session.scalar(
        message_scope(
            select(func.min(OutboundMessage.dispatched_at)).where(
                OutboundMessage.status == "queued", OutboundMessage.dispatched_at.is_not(None)
            ),
            event_id,
        )
    )
    since = waiting_since or db.session.scalar(
        message_scope(select(func.max(OutboundMessage.dispatched_at)), event_id)
    )
    if since is None:
        return None
    rows = db.session.execute(
        message_scope(
            select(OutboundMessage.status, func.count(OutboundMessage.id))
            .where(OutboundMessage.dispatched_at >= since)
            .group_by(OutboundMessage.status),
            event_id,
        )
    ).all()
    counts = dict(rows)
    return Progress(
        sent=counts.get("sent", 0), failed=counts.get("failed", 0), waiting=counts.get("queued", 0)
    )


def last_failures(limit: int = 5) -> list[OutboundMessage]:
    """The latest failed messages, newest first (the admins' view of the task queue)."""
    return list(
        db.session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.status == "failed")
            .order_by(OutboundMessage.id.desc())
            .limit(limit)
        )
    )


def on_the_way_count() -> int:
    """Messages handed to the task queue and not sent yet."""
    return db.session.scalar(
        select(func.count(OutboundMessage.id)).where(
            OutboundMessage.status == "queued", OutboundMessage.dispatched_at.is_not(None)
        )
    )


def waiting_for_click(event_id: int | None = None) -> int:
    """Queued messages not handed to the task queue yet (what "Kirim antrean" would send)."""
    return db.session.scalar(
        message_scope(
            select(func.count(OutboundMessage.id)).where(
                OutboundMessage.status == "queued", OutboundMessage.dispatched_at.is_(None)
            ),
            event_id,
        )
    )
