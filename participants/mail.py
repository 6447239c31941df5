"""E-mail to participants (invitations, reminders, agenda-change notices) through an outbox,
and the ready-to-copy WhatsApp text.

Every message is first written to the outbox (``OutboundMessage``, status ``queued``) with its
final text, then sent by ``send_queued`` in bounded batches over one SMTP connection. Each
message's outcome (``sent``, or ``failed`` with the server's answer) is committed as soon as it
is known: an e-mail cannot be unsent, and one refused address never stops the batch.

While a message is queued, ``sent_at`` marks the moment a sender claimed it, so two organisers
pressing "send" at once never send the same message twice; a claim older than
``CLAIM_TIMEOUT`` (a sender that died) is taken over.

Texts are Bahasa Indonesia whatever the organiser's language. Logs carry counts and message
ids only, never addresses or names.
"""

import re
import smtplib
import ssl
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

import click
from flask import current_app, g, has_request_context, render_template, request
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, vCalAddress
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from agenda import services as agenda_services
from agenda.ical import build_calendar
from agenda.models import AgendaVersion, Event
from agenda.presenters import describe_change
from agenda.signals import agenda_published
from app.audit.services import ACTION_LABELS, record
from app.extensions import db
from app.formatting import long_date, time_in_zone
from app.timeutil import DEFAULT_ZONE, to_zone, utcnow
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

BATCH_SIZE = 30  # messages sent per click (MAIL_BATCH_SIZE overrides): a request stays short
SMTP_TIMEOUT = 15  # seconds (MAIL_TIMEOUT overrides)
CLAIM_TIMEOUT = timedelta(minutes=15)
CALENDAR_FILENAME = "susunan-acara.ics"


@contextmanager
def indonesian():
    """Compose in Bahasa Indonesia, also inside an organiser's English request."""
    # force_locale does nothing while ``g`` is empty; give it something to hold on to.
    g.setdefault("mail_locale", "id")
    with force_locale("id"):
        yield


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "id")


# --- links --------------------------------------------------------------------------------------


def base_url() -> str:
    """Where participants reach Sinergi: BASE_URL if configured, else this request's host."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


def personal_url(registration: Registration) -> str:
    """The participant's personal page (/p/<link token>) as an absolute URL."""
    token = registration.link_token
    try:
        adapter = current_app.url_map.bind("localhost")
        path = adapter.build("personal.page", {"token": token})
    except BuildError:  # the personal page is not registered (yet): same documented path
        path = f"/p/{token}"
    return base_url() + path


# --- what participants are told about the event -------------------------------------------------


def snapshot_sessions(version: AgendaVersion | None) -> list[dict]:
    return list(version.snapshot["sessions"]) if version is not None else []


def sessions_for_group(sessions: list[dict], group: str, *, with_cancelled=False) -> list[dict]:
    """Sessions for everyone (no track) plus those of ``group``."""
    return [
        s
        for s in sessions
        if (not s["track"] or s["track"] == group) and (with_cancelled or not s["cancelled"])
    ]


@dataclass
class EventFacts:
    """What every message about one event says, worked out once per batch."""

    event: Event
    version: AgendaVersion | None  # latest published agenda (None: not published yet)
    sessions: list[dict]  # its sessions; the live ones when nothing is published
    organiser: str
    _starts: dict = field(default_factory=dict)

    @property
    def zone(self) -> str:
        return self.event.timezone

    @property
    def dates(self) -> str:
        """'Senin, 4 Agustus 2025' or 'Senin, 4 Agustus 2025 s.d. Rabu, 6 Agustus 2025'."""
        start, end = self.event.start_date, self.event.end_date
        if start == end:
            return long_date(start)
        return _("%(start)s s.d. %(end)s", start=long_date(start), end=long_date(end))

    def start_time(self, group: str | None = None) -> str:
        """'08.00 WIB' — the first session (of ``group``, None: of anyone), or ''."""
        if group not in self._starts:
            pool = [s for s in self.sessions if not s["cancelled"]]
            if group is not None:
                pool = sessions_for_group(pool, group)
            first = min((s["starts_at"] for s in pool), default=None)
            self._starts[group] = time_in_zone(first, self.zone) if first else ""
        return self._starts[group]

    def hours(self, group: str | None = None) -> str:
        """'08.00 WIB s.d. selesai' (or '' while there is no session)."""
        start = self.start_time(group)
        return _("%(time)s s.d. selesai", time=start) if start else ""


def event_facts(event: Event, *, live_fallback: bool = True) -> EventFacts:
    version = agenda_services.latest_version(event)
    if version is not None:
        sessions = snapshot_sessions(version)
    elif live_fallback:
        sessions = [agenda_services.session_dict(s) for s in agenda_services.live_sessions(event)]
    else:
        sessions = []
    organiser = (
        event.organiser_opd.name
        if event.organiser_opd
        else current_app.config.get("ORGANISATION_NAME", "")
    )
    return EventFacts(event, version, sessions, organiser)


# --- agenda changes in words --------------------------------------------------------------------


def change_line(change: dict, zone: str) -> str:
    """One change of a published version, e.g. 'Sesi X dipindah Senin 4 Agustus 09.00 WIB →
    10.00 WIB' (the agenda's own wording, detailed for reading in a mailbox)."""
    return describe_change(change, zone, detailed=True)


def changes_for_group(version: AgendaVersion, group: str) -> list[dict]:
    """The version's changes that touch sessions ``group`` attends (all, for everyone)."""
    tracks = {s["id"]: s["track"] for s in version.snapshot["sessions"]}
    return [
        c
        for c in version.changes
        if not tracks.get(c.get("session_id"), "") or tracks.get(c.get("session_id")) == group
    ]


# --- calendar attachment ------------------------------------------------------------------------


def sender() -> tuple[str, str]:
    """(From header, bare address) from MAIL_DEFAULT_SENDER, named after the organisation."""
    raw = current_app.config.get("MAIL_DEFAULT_SENDER") or "sinergi@localhost"
    if isinstance(raw, tuple | list):
        name, address = raw
    else:
        name, address = parseaddr(raw)
    name = name or f"Sinergi · {current_app.config.get('ORGANISATION_NAME', '')}".strip(" ·")
    return formataddr((name, address)), address


def invitation_calendar(
    facts: EventFacts, registration: Registration, *, with_cancelled: bool = False
) -> str:
    """The participant's sessions of the latest published version as an iCalendar
    invitation (METHOD:REQUEST, ORGANIZER, ATTENDEE), or '' when there is nothing to attach."""
    if facts.version is None:
        return ""
    sessions = sessions_for_group(facts.sessions, registration.group, with_cancelled=with_cancelled)
    if not sessions:
        return ""
    event = facts.version.snapshot["event"]
    text = build_calendar(
        event["title"],
        [(s, event) for s in sessions],
        utcnow(),
        personal_url(registration),
        method="REQUEST",
    )
    calendar = Calendar.from_ical(text)
    _header, address = sender()
    person = registration.person
    for item in calendar.walk("VEVENT"):
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["cn"] = facts.organiser or address
        item.add("organizer", organizer)
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params.update(
            {
                "cn": person.name,
                "role": "REQ-PARTICIPANT",
                "partstat": "NEEDS-ACTION",
                # Answers are given on the personal page, not by calendar reply e-mails.
                "rsvp": "FALSE",
            }
        )
        item.add("attendee", attendee)
    return calendar.to_ical().decode()


# --- composing ------------------------------------------------------------------------------------


def _render(kind: str, **context) -> str:
    text = render_template(f"participants/mail/{kind}.txt", **context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _context(facts: EventFacts, registration: Registration) -> dict:
    return {
        "event": facts.event,
        "registration": registration,
        "person": registration.person,
        "dates": facts.dates,
        "hours": facts.hours(registration.group),
        "venue": facts.event.venue,
        "url": personal_url(registration),
        "organiser": facts.organiser,
    }


def compose_invitation(registration: Registration, facts: EventFacts) -> OutboundMessage:
    ics = invitation_calendar(facts, registration)
    body = _render("invitation", **_context(facts, registration), has_calendar=bool(ics))
    subject = _("Undangan: %(title)s, %(dates)s", title=facts.event.title, dates=facts.dates)
    return _message("invitation", registration, subject, body, ics)


def compose_reminder(registration: Registration, facts: EventFacts) -> OutboundMessage:
    body = _render("reminder", **_context(facts, registration))
    subject = _("Pengingat: %(title)s, %(dates)s", title=facts.event.title, dates=facts.dates)
    return _message("reminder", registration, subject, body, "")


def compose_agenda_update(
    registration: Registration, facts: EventFacts, version: AgendaVersion, lines: list[str]
) -> OutboundMessage:
    # The updated calendar (higher SEQUENCE; cancelled sessions as STATUS:CANCELLED) lets
    # calendar apps that accepted the invitation follow the change.
    ics = invitation_calendar(facts, registration, with_cancelled=True)
    body = _render(
        "agenda_update",
        **_context(facts, registration),
        number=version.number,
        lines=lines,
        has_calendar=bool(ics),
    )
    subject = _(
        "Perubahan susunan acara: %(title)s (versi %(number)s)",
        title=facts.event.title,
        number=version.number,
    )
    return _message("agenda_update", registration, subject, body, ics)


def _message(kind, registration, subject, body, ics) -> OutboundMessage:
    return OutboundMessage(
        event_id=registration.event_id,
        registration_id=registration.id,
        kind=kind,
        recipient=registration.person.email,
        subject=subject[:300],
        body=body,
        ics=ics,
        status="queued",
        error="",
        attempts=0,
        created_at=utcnow(),
    )


# --- queueing -----------------------------------------------------------------------------------


@dataclass
class QueueResult:
    queued: int = 0
    without_email: int = 0  # skipped: the person has no e-mail address
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
                result.without_email += 1
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


# --- sending ------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    remaining: int = 0  # still queued in the same scope afterwards
    connection_error: str = ""


class _ConnectionFailed(Exception):
    pass


def batch_size() -> int:
    return int(current_app.config.get("MAIL_BATCH_SIZE") or BATCH_SIZE)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {text}".strip()


def _connect() -> smtplib.SMTP:
    config = current_app.config
    server, port = config.get("MAIL_SERVER") or "localhost", int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or SMTP_TIMEOUT)
    try:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
        try:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
    except smtplib.SMTPAuthenticationError as exc:
        raise _ConnectionFailed(
            _(
                "Login ke server email %(server)s gagal (%(reply)s). Periksa MAIL_USERNAME dan "
                "MAIL_PASSWORD.",
                server=f"{server}:{port}",
                reply=_reply(exc),
            )
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise _ConnectionFailed(
            _(
                "Tidak dapat terhubung ke server email %(server)s: %(error)s",
                server=f"{server}:{port}",
                error=str(exc) or type(exc).__name__,
            )
        ) from exc
    return smtp


def to_email(message: OutboundMessage) -> EmailMessage:
    header, address = sender()
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = header
    email["To"] = message.recipient
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid("sinergi", domain=address.rpartition("@")[2] or "localhost")
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    if message.ics:
        method = re.search(r"^METHOD:(\w+)", message.ics, re.MULTILINE)
        email.add_attachment(
            message.ics,
            subtype="calendar",
            filename=CALENDAR_FILENAME,
            params={"method": method.group(1) if method else "PUBLISH"},
        )
    return email


def _error_text(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(
            f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
            for code, text in exc.recipients.values()
        )
        return _("Alamat penerima ditolak server email (%(reply)s).", reply=replies)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("Alamat pengirim ditolak server email (%(reply)s).", reply=_reply(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        return _("Server email menolak pesan (%(reply)s).", reply=_reply(exc))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("Sambungan ke server email terputus: %(error)s", error=str(exc))
    return _("Pengiriman gagal: %(error)s", error=str(exc) or type(exc).__name__)


def _scope(query, event_id=None, ids=None):
    if event_id is not None:
        query = query.where(OutboundMessage.event_id == event_id)
    if ids is not None:
        query = query.where(OutboundMessage.id.in_(list(ids) or [0]))
    return query


def _claim(event_id, ids, limit) -> list[OutboundMessage]:
    """Take up to ``limit`` queued messages for this sender (see the module docstring)."""
    now = utcnow()
    claimable = (
        OutboundMessage.status == "queued",
        or_(OutboundMessage.sent_at.is_(None), OutboundMessage.sent_at < now - CLAIM_TIMEOUT),
    )
    candidates = list(
        db.session.scalars(
            _scope(select(OutboundMessage.id).where(*claimable), event_id, ids)
            .order_by(OutboundMessage.id)
            .limit(limit)
        )
    )
    if not candidates:
        return []
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(candidates), *claimable)
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboundMessage)
            .where(
                OutboundMessage.id.in_(candidates),
                OutboundMessage.status == "queued",
                OutboundMessage.sent_at == now,
            )
            .order_by(OutboundMessage.id)
        )
    )


def _finish(message: OutboundMessage, error: str | None) -> None:
    message.attempts = (message.attempts or 0) + 1
    if error is None:
        message.status, message.error, message.sent_at = "sent", "", utcnow()
    else:
        message.status, message.error, message.sent_at = "failed", error[:2000], None
    db.session.commit()


def send_queued(*, event_id: int | None = None, ids=None, limit: int | None = None) -> SendResult:
    """Send up to ``limit`` (default MAIL_BATCH_SIZE) queued messages, oldest first, optionally
    only those of one event or with the given ids. Never raises for SMTP trouble: a message
    that cannot be sent is marked failed with the reason. Commits."""
    db.session.commit()  # the queued messages must be stored before anything goes out
    result = SendResult()
    with indonesian():
        messages = _claim(event_id, ids, limit or batch_size())
        smtp = None
        try:
            for message in messages:
                if result.connection_error:
                    _finish(message, result.connection_error)
                    result.failed += 1
                    continue
                try:
                    if smtp is None:
                        smtp = _connect()
                    smtp.send_message(to_email(message), to_addrs=[message.recipient])
                except _ConnectionFailed as exc:
                    result.connection_error = str(exc)
                    _finish(message, result.connection_error)
                    result.failed += 1
                except (smtplib.SMTPException, OSError, ValueError) as exc:
                    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                        smtp = None  # reconnect for the next message
                    _finish(message, _error_text(exc))
                    result.failed += 1
                else:
                    _finish(message, None)
                    result.sent += 1
        finally:
            if smtp is not None:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    smtp.close()
    result.remaining = queued_count(event_id)
    if messages:
        current_app.logger.info(
            "outbox: %s sent, %s failed, %s still queued%s",
            result.sent,
            result.failed,
            result.remaining,
            " (SMTP connection failed)" if result.connection_error else "",
        )
    return result


def send_all_queued(*, event_id: int | None = None, limit: int | None = None) -> SendResult:
    """Batch after batch until the queue (of one event) is empty or ``limit`` messages went
    (CLI). Stops early when the server cannot be reached."""
    total = SendResult()
    while True:
        size = (
            batch_size() if limit is None else min(batch_size(), limit - total.sent - total.failed)
        )
        if size <= 0:
            break
        batch = send_queued(event_id=event_id, limit=size)
        total.sent += batch.sent
        total.failed += batch.failed
        total.remaining = batch.remaining
        total.connection_error = total.connection_error or batch.connection_error
        if batch.connection_error or not (batch.sent or batch.failed):
            break
    return total


def requeue_failed(*, event_id: int | None = None, ids=None) -> int:
    """Put failed messages back in the queue (their last error stays until the next try)."""
    query = _scope(update(OutboundMessage).where(OutboundMessage.status == "failed"), event_id, ids)
    count = db.session.execute(
        query.values(status="queued", sent_at=None).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count or 0


def queued_count(event_id: int | None = None) -> int:
    return db.session.scalar(
        _scope(
            select(func.count(OutboundMessage.id)).where(OutboundMessage.status == "queued"),
            event_id,
        )
    )


# --- the outbox page ------------------------------------------------------------------------------


def outbox_query(event_id: int | None = None, status: str = "", kind: str = ""):
    query = _scope(select(OutboundMessage), event_id).options(
        joinedload(OutboundMessage.registration).joinedload(Registration.person)
    )
    if status:
        query = query.where(OutboundMessage.status == status)
    if kind:
        query = query.where(OutboundMessage.kind == kind)
    return query.order_by(OutboundMessage.id.desc())


def status_counts(event_id: int | None = None) -> dict[str, int]:
    rows = db.session.execute(
        _scope(
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
    invited: int  # status invited, with e-mail
    invited_new: int  # of those: no invitation queued or sent yet
    remindable: int  # invited or confirmed, with e-mail
    reminded: int  # of those: already reminded
    confirmed: int  # confirmed, with e-mail
    without_email: int  # invited or confirmed without e-mail (reach them by WhatsApp)


def event_mail_stats(event: Event) -> EventMailStats:
    """Who each button on the event's outbox page would reach (three queries)."""
    rows = db.session.execute(
        select(Registration.id, Registration.status, Person.email.is_not(None))
        .join(Registration.person)
        .where(Registration.event_id == event.id, Registration.status.in_(REMINDER_STATUSES))
    ).all()
    invited = _already_messaged(event, "invitation")
    reminded = _already_messaged(event, "reminder")
    counts = Counter()
    for registration_id, status, has_email in rows:
        if not has_email:
            counts["without_email"] += 1
            continue
        counts["remindable"] += 1
        counts["reminded"] += registration_id in reminded
        if status == "invited":
            counts["invited"] += 1
            counts["invited_new"] += registration_id not in invited
        else:
            counts["confirmed"] += 1
    return EventMailStats(**{key: counts[key] for key in EventMailStats.__annotations__})


# --- WhatsApp -------------------------------------------------------------------------------------


def wa_number(phone: str | None) -> str | None:
    """An Indonesian phone number as wa.me wants it ('0812-3456-789' → '628123456789'),
    or None when it does not look like one."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("62") or not 10 <= len(digits) <= 15:
        return None
    return digits


def whatsapp_text(registration: Registration, facts: EventFacts | None = None) -> str:
    """A ready-to-copy WhatsApp message for one participant: greeting with their name, the
    event, its date, time and place, their personal link and a short RSVP request."""
    facts = facts or event_facts(registration.event)
    with indonesian():
        return _render("whatsapp", **_context(facts, registration))


def whatsapp_link(registration: Registration, text: str) -> str | None:
    """https://wa.me/62…?text=… when the person has a usable phone number."""
    from urllib.parse import quote

    number = wa_number(registration.person.phone)
    return f"https://wa.me/{number}?text={quote(text, safe='')}" if number else None


# --- CLI --------------------------------------------------------------------------------------------

mail_cli = AppGroup("mail", help="Email peserta: kirim antrean, pengingat.")


def _echo_send(result: SendResult) -> None:
    click.echo(
        f"Terkirim {result.sent}, gagal {result.failed}, masih dalam antrean {result.remaining}."
    )
    if result.connection_error:
        click.echo(result.connection_error, err=True)


@mail_cli.command("send-queued")
@click.option("--limit", type=int, default=None, help="Paling banyak sekian email.")
@click.option("--event", "slug", default=None, help="Hanya email acara ini (slug).")
@with_appcontext
def send_queued_command(limit, slug):
    """Kirim email yang menunggu di kotak keluar."""
    event_id = None
    if slug:
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise click.ClickException(f"Acara {slug!r} tidak ditemukan.")
        event_id = event.id
    result = send_all_queued(event_id=event_id, limit=limit)
    _echo_send(result)
    if result.connection_error:
        raise SystemExit(1)


@mail_cli.command("remind")
@click.option(
    "--days", type=int, default=2, show_default=True, help="Acara yang mulai dalam N hari."
)
@click.option("--send/--queue-only", default=True, show_default=True)
@with_appcontext
def remind_command(days, send):
    """Antrekan (dan kirim) pengingat untuk acara yang segera dimulai; peserta yang sudah
    diingatkan tidak dikirimi lagi, jadi aman dijalankan tiap hari dari cron."""
    if not current_app.config.get("BASE_URL"):
        raise click.ClickException(
            "BASE_URL belum diatur: tautan halaman pribadi dalam email membutuhkannya."
        )
    today = to_zone(utcnow(), DEFAULT_ZONE).date()
    events = db.session.scalars(
        select(Event)
        .where(
            Event.status == "published",
            Event.start_date >= today,
            Event.start_date <= today + timedelta(days=days),
        )
        .order_by(Event.start_date, Event.id)
    ).all()
    for event in events:
        result = queue_reminders(event, only_new=True)
        db.session.commit()
        click.echo(f"{event.slug}: {result.queued} pengingat diantrekan.")
    if send:
        _echo_send(send_all_queued())


@agenda_published.connect
def _notify_participants(event: Event, version: AgendaVersion, **_extra) -> str | None:
    """A new agenda version queues a notice for the participants its changes touch."""
    if version.number == 1 or not version.changes:
        return None
    result = queue_agenda_update(event, version)
    db.session.commit()
    if not result.queued:
        return None
    return _(
        "%(count)s pemberitahuan perubahan jadwal masuk kotak keluar; kirim dari halaman Kotak keluar.",
        count=result.queued,
    )
