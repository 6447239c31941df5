"""The agenda's panel on the home page: the coming events."""

from flask import render_template
from sqlalchemy import select

from agenda.forms import STATUS_LABELS
from agenda.models import Event
from app.auth.models import ADMIN, ORGANISER, VIEWER
from app.auth.permissions import can
from app.core.home import home_panel
from app.extensions import db
from app.timeutil import to_zone, utcnow


@home_panel(ADMIN, ORGANISER, VIEWER, order=10)
def _events_panel(user):
    today = to_zone(utcnow()).date()
    query = select(Event).where(Event.end_date >= today).order_by(Event.start_date).limit(6)
    if not can(user, "agenda.manage"):  # drafts only for those who make them
        query = query.where(Event.status != "draft")
    upcoming = db.session.scalars(query).all()
    return render_template(
        "agenda/manage/panel_events.html", events=upcoming, statuses=STATUS_LABELS, today=today
    )
