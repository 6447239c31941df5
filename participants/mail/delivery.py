"""Sending queued messages: over SMTP (``MAIL_SERVER``), or into a local folder of .eml files
(``MAIL_FOLDER``, the development default) so a demo shows what an official would receive
without any server. With neither, nothing is sent and messages stay queued; the outbox says so
before anyone clicks.

"Kirim antrean" hands every queued message to the task queue (``tasks.dispatch``) in batches of
MAIL_BATCH_SIZE, one task and one SMTP connection each (participants/mail/tasks.py); without a
broker the batches run in the request. A batch's messages are claimed before the first goes out (one
UPDATE per batch: ``sent_at`` the moment, ``claimed_by`` the task) and marked ``sent`` or ``failed`` with
the server's answer right after, committed each time: an e-mail cannot be unsent, one refused
address never stops the batch, and a task delivered twice (its worker killed, acks_late) skips
what is sent and takes over only its own claim. A claim older than ``CLAIM_TIMEOUT`` (a sender
that died) is taken over by anyone. The one window left: a worker killed between the server's
"250 accepted" and the commit of "sent" — that message goes out again (never lost). In the
worker a server that is down or says "try later" leaves the messages queued and the task
retries with backoff (``RETRY_DELAYS``, about two hours) before marking them failed. Logs carry
counts and message ids only, never addresses or names.
"""

import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from app.extensions import db
from app.timeutil import utcnow
from participants.facts import indonesian
from participants.mail import mailbox
from participants.mail.compose import CALENDAR_FILENAME, sender
from participants.mail.outbox import message_scope
from participants.models import OutboundMessage

BATCH_SIZE = 30  # messages per task, one SMTP connection each (MAIL_BATCH_SIZE overrides)
SMTP_TIMEOUT = 15  # seconds (MAIL_TIMEOUT overrides)
CLAIM_TIMEOUT = timedelta(minutes=15)
# Seconds between a worker's tries while the SMTP server is down or busy (then: failed).
RETRY_DELAYS = (30, 60, 120, 300, 600, 900, 900, 900, 900, 900, 900, 900)
# Dispatched messages still queued this long after their last task (lost with a wiped broker)
# are handed to the queue again by the periodic sweep.
STALLED_AFTER = timedelta(hours=1)
# --- sending ------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    remaining: int = 0  # still queued in the same scope afterwards
    connection_error: str = ""
    unsent: list[int] = field(default_factory=list)  # kept queued for a retry (worker)


class _ConnectionFailed(Exception):
    pass


def transport() -> str:
    """How mail leaves: "smtp", "folder" or "" (not configured)."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return "smtp"
    return "folder" if config.get("MAIL_FOLDER") else ""


def not_configured_text() -> str:
    return _(
        "Belum ada server email: isi MAIL_SERVER (dan MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD) "
        "agar email terkirim. Email tetap menunggu di antrean."
    )


class _FolderDelivery:
    """Writes each message into the local mail folder (participants.mail.mailbox); quacks
    like SMTP so the sending loop is the same for both."""

    def send_message(self, email: EmailMessage, to_addrs=None) -> None:
        mailbox.write_mail(email)

    def quit(self) -> None:
        pass

    close = quit


def retry_delays() -> tuple[int, ...]:
    """Seconds between a worker's tries (MAIL_RETRY_DELAYS, else RETRY_DELAYS)."""
    return tuple(current_app.config.get("MAIL_RETRY_DELAYS") or RETRY_DELAYS)


def batch_size() -> int:
    return int(current_app.config.get("MAIL_BATCH_SIZE") or BATCH_SIZE)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {text}".strip()


def _connect() -> smtplib.SMTP | _FolderDelivery:
    config = current_app.config
    if transport() == "folder":
        return _FolderDelivery()
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


def claimable(now: datetime, token: str):
    """A queued message nobody is sending: unclaimed, claimed by a sender that died
    (``CLAIM_TIMEOUT``), or claimed by ``token`` itself (the same task delivered again after
    its worker was killed)."""
    return (
        OutboundMessage.status == "queued",
        or_(
            OutboundMessage.sent_at.is_(None),
            OutboundMessage.sent_at < now - CLAIM_TIMEOUT,
            OutboundMessage.claimed_by == token,
        ),
    )


def _claim(message_ids: list[int], token: str) -> list[OutboundMessage]:
    """Take the batch's messages for this sender, atomically (one UPDATE … WHERE still
    claimable, committed before anything is sent): those sent, failed or someone else's are
    left out."""
    now = utcnow()
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(message_ids or [0]), *claimable(now, token))
        .values(sent_at=now, claimed_by=token)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboundMessage)
            .where(
                OutboundMessage.id.in_(message_ids or [0]),
                OutboundMessage.status == "queued",
                OutboundMessage.claimed_by == token,
            )
            .order_by(OutboundMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def _release_all(message_ids: list[int], token: str) -> None:
    """This sender's claims on these still-queued messages given up (they wait for a retry)."""
    db.session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id.in_(message_ids or [0]),
            OutboundMessage.status == "queued",
            OutboundMessage.claimed_by == token,
        )
        .values(sent_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _finish(message: OutboundMessage, error: str | None) -> None:
    message.attempts = (message.attempts or 0) + 1
    if error is None:
        message.status, message.error, message.sent_at = "sent", "", utcnow()
    else:
        message.status, message.error, message.sent_at = "failed", error[:2000], None
    db.session.commit()


def _release(message: OutboundMessage, error: str) -> None:
    """Back in the queue for a later try (the server is down or busy): the reason is kept."""
    message.attempts = (message.attempts or 0) + 1
    message.error, message.sent_at, message.claimed_by = error[:2000], None, None
    db.session.commit()


def _transient(exc: Exception) -> bool:
    """Worth another try later: the connection broke, or the server said 4xx (busy)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError)


def deliver(message_ids, token: str, *, keep_queued: bool = False) -> SendResult:
    """Send the given messages, claimed together (``token``) before the first goes out, each
    marked sent or failed right after. Messages already sent, failed or claimed by another sender
    are skipped, so the same ids delivered twice send nothing twice. Never raises for SMTP
    trouble. ``keep_queued`` (the background worker): when the server cannot be reached or
    answers "try later", the message stays queued and its id is returned in ``unsent`` for a
    retry; otherwise (a click, the CLI) it is marked failed with the reason. Commits."""
    result = SendResult()
    with indonesian():
        smtp = None
        try:
            claimed = _claim(list(message_ids), token)
            for position, message in enumerate(claimed):
                message_id = message.id
                if keep_queued and result.connection_error:
                    result.unsent += [m.id for m in claimed[position:]]
                    _release_all(result.unsent, token)
                    break
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
                    if keep_queued:
                        _release(message, result.connection_error)
                        result.unsent += [m.id for m in claimed[position:]]
                        _release_all(result.unsent, token)
                        break
                    _finish(message, result.connection_error)
                    result.failed += 1
                except (smtplib.SMTPException, OSError, ValueError) as exc:
                    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                        smtp = None  # reconnect for the next message
                    if keep_queued and _transient(exc):
                        _release(message, _error_text(exc))
                        result.unsent.append(message_id)
                    else:
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
    if result.sent or result.failed or result.unsent:
        current_app.logger.info(
            "outbox: %s sent, %s failed, %s to retry%s",
            result.sent,
            result.failed,
            len(result.unsent),
            " (SMTP connection failed)" if result.connection_error else "",
        )
    return result


def give_up(message_ids, error: str) -> int:
    """Mark still-queued messages failed with ``error`` (the last retry failed too)."""
    count = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(list(message_ids) or [0]), OutboundMessage.status == "queued")
        .values(status="failed", error=error[:2000], sent_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count or 0


def send_queued(*, event_id: int | None = None, ids=None, limit: int | None = None) -> SendResult:
    """Send up to ``limit`` (default MAIL_BATCH_SIZE) queued messages, oldest first, optionally
    only those of one event or with the given ids, in this process (the CLI). Never raises
    for SMTP trouble: a message that cannot be sent is marked failed with the reason.
    Commits."""
    db.session.commit()  # the queued messages must be stored before anything goes out
    result = SendResult()
    if not transport():
        result.connection_error = not_configured_text()
        result.remaining = queued_count(event_id)
        return result
    token = f"cli-{uuid.uuid4().hex}"
    candidates = db.session.scalars(
        message_scope(select(OutboundMessage.id).where(*claimable(utcnow(), token)), event_id, ids)
        .order_by(OutboundMessage.id)
        .limit(limit or batch_size())
    ).all()
    result = deliver(candidates, token)
    result.remaining = queued_count(event_id)
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
    query = message_scope(
        update(OutboundMessage).where(OutboundMessage.status == "failed"), event_id, ids
    )
    count = db.session.execute(
        query.values(
            status="queued", sent_at=None, claimed_by=None, dispatched_at=None
        ).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count or 0


def queued_count(event_id: int | None = None) -> int:
    return db.session.scalar(
        message_scope(
            select(func.count(OutboundMessage.id)).where(OutboundMessage.status == "queued"),
            event_id,
        )
    )
