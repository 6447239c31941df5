"""The local mail folder (MAIL_FOLDER): delivery writes each message here as an .eml file
instead of sending it, and the outbox's "Kotak surat lokal" reads them back, so a demo shows
what an official would receive."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from flask import current_app

# Only names write_mail makes are ever opened (no path from the URL reaches the disk).
NAME = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}\.eml$")
LIST_LIMIT = 200


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class LocalMail:
    name: str
    subject: str
    sender: str
    to: str
    sent: datetime | None
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def folder() -> Path | None:
    configured = current_app.config.get("MAIL_FOLDER")
    return Path(configured) if configured else None


def write_mail(email: EmailMessage) -> str:
    """Store ``email`` as ``<UTC time>-<random>.eml`` (matching NAME); returns the name."""
    base = folder()
    base.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
    partial = base / (name + ".part")
    partial.write_bytes(bytes(email))
    partial.replace(base / name)  # a reader never sees half a message
    return name


def _parse(path: Path, with_body: bool) -> LocalMail:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    try:
        sent = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent = None
    mail = LocalMail(
        path.name, message["Subject"] or "", message["From"] or "", message["To"] or "", sent
    )
    if with_body:
        body = message.get_body(preferencelist=("plain",))
        mail.text = body.get_content() if body is not None else ""
        for part in message.iter_attachments():
            mail.attachments.append(
                Attachment(
                    part.get_filename() or "lampiran",
                    part.get_content_type(),
                    part.get_payload(decode=True) or b"",
                )
            )
    return mail


def list_mail(limit: int = LIST_LIMIT) -> tuple[list[LocalMail], int]:
    """The newest ``limit`` messages (headers only) and how many the folder holds."""
    base = folder()
    if base is None or not base.is_dir():
        return [], 0
    names = sorted((p.name for p in base.iterdir() if NAME.match(p.name)), reverse=True)
    return [_parse(base / name, with_body=False) for name in names[:limit]], len(names)


def _path(name: str) -> Path | None:
    base = folder()
    if base is None or not NAME.match(name) or not (base / name).is_file():
        return None
    return base / name


def read_mail(name: str) -> LocalMail | None:
    path = _path(name)
    return _parse(path, with_body=True) if path else None


def raw_mail(name: str) -> bytes | None:
    path = _path(name)
    return path.read_bytes() if path else None
