"""The daily digest: each OPD hears once a day which of its items are due within a week or
overdue, through the existing outbox (queued, then sent like any other mail)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from agenda.services import to_utc
from app.auth.models import OPD, User
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import DEFAULT_ZONE
from followup.models import OPEN_STATUSES, ActionItem
from followup.services import involving, today
from participants.facts import base_url, indonesian
from participants.mail.outbox import KIND_LABELS
from participants.models import OutboundMessage

DIGEST_KIND = "followup_digest"
KIND_LABELS.setdefault(DIGEST_KIND, _l("Pengingat tindak lanjut"))
DUE_WITHIN = timedelta(days=7)


@dataclass
class Digest:
    opd: Opd
    recipients: list[str]
    overdue: list[ActionItem]
    due_soon: list[ActionItem]
    subject: str = ""
    body: str = ""


def _start_of_today_utc() -> datetime:
    """Midnight of today in Indonesia (WIB), as the stored naive UTC."""
    return to_utc(datetime.combine(today(), time.min), DEFAULT_ZONE)


def digests() -> list[Digest]:
    """One digest per OPD with something due within 7 days or overdue and someone to tell;
    OPDs already sent (or queued) today's digest are left out."""
    now = today()
    recipients: dict[int, list[str]] = {}
    for opd_id, email in db.session.execute(
        select(User.opd_id, User.email)
        .where(User.role == OPD, User.active.is_(True), User.opd_id.is_not(None))
        .order_by(User.email)
    ):
        recipients.setdefault(opd_id, []).append(email)
    told = set(
        db.session.scalars(
            select(OutboundMessage.recipient).where(
                OutboundMessage.kind == DIGEST_KIND,
                OutboundMessage.created_at >= _start_of_today_utc(),
                OutboundMessage.status.in_(("queued", "sent")),
            )
        )
    )
    result = []
    opds = db.session.scalars(select(Opd).where(Opd.id.in_(recipients)).order_by(Opd.code)).all()
    for opd in opds:
        items = db.session.scalars(
            involving(
                select(ActionItem).where(
                    ActionItem.status.in_(OPEN_STATUSES),
                    ActionItem.due_on.is_not(None),
                    ActionItem.due_on <= now + DUE_WITHIN,
                ),
                opd.id,
            ).order_by(ActionItem.due_on, ActionItem.id)
        ).all()
        to = [email for email in recipients[opd.id] if email not in told]
        if not items or not to:
            continue
        digest = Digest(
            opd,
            to,
            overdue=[i for i in items if i.due_on < now],
            due_soon=[i for i in items if i.due_on >= now],
        )
        with indonesian():  # OPD staff read Bahasa Indonesia, whoever runs the command
            digest.subject = _(
                "Tindak lanjut %(opd)s: %(overdue)s lewat batas waktu, %(soon)s segera jatuh tempo",
                opd=opd.short_name or opd.name,
                overdue=len(digest.overdue),
                soon=len(digest.due_soon),
            )
            digest.body = render_template("followup/mail/digest.txt", digest=digest, url=item_url)
        result.append(digest)
    return result


def queue(digests_: list[Digest]) -> int:
    """Put the digests in the outbox (one message per recipient); returns how many."""
    count = 0
    for digest in digests_:
        for email in digest.recipients:
            db.session.add(
                OutboundMessage(
                    kind=DIGEST_KIND, recipient=email, subject=digest.subject, body=digest.body
                )
            )
            count += 1
    return count


def item_url(item: ActionItem) -> str:
    """The item's page as an absolute URL (also from cron, with no request)."""
    path = current_app.url_map.bind("localhost").build("followup.item", {"item_id": item.id})
    return base_url() + path


def configured() -> bool:
    return bool(current_app.config.get("BASE_URL"))
