"""A speaker's own calendar feed across events (private link by token)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from agenda.ical import build_calendar
from agenda.models import AgendaVersion, Event, Speaker
from agenda.presenters import PUBLIC_STATUSES
from app.extensions import db

# --- speakers' feeds ----------------------------------------------------------------------------


def speaker_by_token(token: str) -> Speaker | None:
    return db.session.scalar(select(Speaker).where(Speaker.feed_token == token))


@dataclass
class SpeakerFeed:
    etag: str
    items: list[tuple[dict, dict]]  # (session, event) from the latest published snapshots
    stamp: datetime | None


def speaker_feed(speaker: Speaker) -> SpeakerFeed:
    """The speaker's sessions in the latest published version of every public event (one query).

    Sessions cancelled (or deleted) after publication stay in, cancelled, so calendars drop them.
    """
    latest = (
        select(AgendaVersion.event_id, func.max(AgendaVersion.number).label("number"))
        .group_by(AgendaVersion.event_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            AgendaVersion.event_id,
            AgendaVersion.number,
            AgendaVersion.published_at,
            AgendaVersion.snapshot,
        )
        .join(
            latest,
            and_(
                AgendaVersion.event_id == latest.c.event_id,
                AgendaVersion.number == latest.c.number,
            ),
        )
        .join(Event, Event.id == AgendaVersion.event_id)
        .where(Event.status.in_(PUBLIC_STATUSES))
        .order_by(AgendaVersion.event_id)
    ).all()
    items = []
    stamps = []
    for row in rows:
        mine = [
            session
            for session in row.snapshot["sessions"]
            if any(s["id"] == speaker.id for s in session["speakers"])
        ]
        if mine:
            stamps.append(row.published_at)
            items.extend((session, row.snapshot["event"]) for session in mine)
    items.sort(key=lambda pair: (pair[0]["starts_at"], pair[0]["id"]))
    versions = ",".join(f"{row.event_id}:{row.number}" for row in rows)
    etag = hashlib.sha256(f"{speaker.id}|{speaker.name}|{versions}".encode()).hexdigest()[:32]
    return SpeakerFeed(etag, items, max(stamps) if stamps else None)


def speaker_calendar(speaker: Speaker, feed: SpeakerFeed, now: datetime) -> str:
    return build_calendar(_("Jadwal %(name)s", name=speaker.name), feed.items, feed.stamp or now)
