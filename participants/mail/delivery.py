"""Sending queued messages in bounded batches: over SMTP (``MAIL_SERVER``), or into a local
folder of .eml files (``MAIL_FOLDER``, the development default) so a demo shows what an
official would receive without any server. With neither, nothing is sent and messages stay
queued; the outbox says so before anyone clicks.

One SMTP connection per batch. Each message's outcome (``sent``, or ``failed`` with the server's
answer) is committed as soon as it is known: an e-mail cannot be unsent, and one refused address
never stops the batch. While a message is queued, ``sent_at`` marks the moment a sender claimed
it, so two organisers pressing "send" at once never send the same message twice; a claim older
than ``CLAIM_TIMEOUT`` (a sender that died) is taken over. Logs carry counts and message ids
only, never addresses or names.
"""

import re
import smtplib
import ssl
from dataclasses import dataclass
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

BATCH_SIZE = 30  # messages sent per click (MAIL_BATCH_SIZE overrides): a request stays short
SMTP_TIMEOUT = 15  # seconds (MAIL_TIMEOUT overrides)
CLAIM_TIMEOUT = timedelta(minutes=15)
# --- sending ------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    remaining: int = 0  # still queued in the same scope afterwards
    connection_error: str = ""


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


def _claim(event_id, ids, limit) -> list[OutboundMessage]:
    """Take up to ``limit`` queued messages for this sender (see the module docstring)."""
    now = utcnow()
    claimable = (
        OutboundMessage.status == "queued",
        or_(OutboundMessage.sent_at.is_(None), OutboundMessage.sent_at < now - CLAIM_TIMEOUT),
    )
    candidates = list(
        db.session.scalars(
            message_scope(select(OutboundMessage.id).where(*claimable), event_id, ids)
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
    if not transport():
        result.connection_error = not_configured_text()
        result.remaining = queued_count(event_id)
        return result
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
    query = message_scope(
        update(OutboundMessage).where(OutboundMessage.status == "failed"), event_id, ids
    )
    count = db.session.execute(
        query.values(status="queued", sent_at=None).execution_options(synchronize_session=False)
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
