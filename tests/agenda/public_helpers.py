"""Helpers shared by the public agenda, calendar and PDF tests."""

import re
from datetime import datetime, timedelta

from agenda import services, versions
from agenda.models import Session
from app.extensions import db


def text_of(html: str) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def session_block(html: str, session_id: int) -> str:
    """The HTML of one session's entry on the agenda page."""
    match = re.search(
        rf'<li [^>]*id="sesi-{session_id}".*?</li>\s*(?=<li class="list-group-item|</ol>)',
        html,
        re.S,
    )
    assert match, f"session {session_id} not on the page"
    return match.group(0)


def publish(event, user=None):
    version = versions.publish(event, user)
    db.session.commit()
    return version


def seen_cookie(response, event) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"seen_{event.id}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None


def fill(event, count, speakers=(), rooms=()):
    """``count`` sessions of 30 minutes over the event's days, committed at once."""
    per_day = max(1, count // len(event.days))
    for n in range(count):
        day = event.days[min(n // per_day, len(event.days) - 1)]
        start = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=7, minutes=15 * (n % per_day)
        )
        services.save_session(
            Session(),
            event=event,
            title=f"Sesi {n + 1}",
            starts_at=services.to_utc(start, event.timezone),
            ends_at=services.to_utc(start + timedelta(minutes=30), event.timezone),
            room_id=rooms[n % len(rooms)].id if rooms else None,
            track=f"Kelompok {n % 4 + 1}" if n % 3 == 0 else "",
            speakers=[
                (speakers[(n + i) % len(speakers)], "narasumber")
                for i in range(min(2, len(speakers)))
            ],
        )
    db.session.commit()
