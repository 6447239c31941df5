from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select

from agenda.models import Event, Session
from app.auth.models import ADMIN, ORGANISER
from app.auth.permissions import can, roles
from app.extensions import db

roles("agenda.manage", ADMIN, ORGANISER)


def event_visible(user, event: Event) -> bool:
    if event.status != "draft":
        return True
    return user is not None and user.is_authenticated and can(user, "agenda.manage")


_BY_SLUG = select(Event).where(Event.slug == bindparam("slug"))  # built once


def visible_event_or_404(slug: str) -> Event:
    """The event at ``slug`` if the current user may see it; 404 otherwise, so a draft's
    existence is not revealed to those who may not see it."""
    event = db.session.scalar(_BY_SLUG, {"slug": slug})
    if event is None or not event_visible(current_user, event):
        abort(404)
    return event


def event_session_or_404(event: Event, session_id: int | None) -> Session:
    """One of ``event``'s sessions (``event`` from ``visible_event_or_404``); 404 for an unknown
    id or another event's session."""
    session = db.session.get(Session, session_id) if session_id else None
    if session is None or session.event_id != event.id:
        abort(404)
    return session


# Operators (check-in staff) reach the check-in pages only; the public agenda stays public.
roles("agenda.view_list", ADMIN, ORGANISER, "viewer", "opd")
