"""JSON API for events and sessions (contract in DESIGN.md)."""

from datetime import date

from flask import Blueprint, jsonify
from flask_login import current_user, login_required
from sqlalchemy import select

from agenda import services, versions
from agenda.models import AgendaVersion, Event
from agenda.permissions import visible_event_or_404
from app import api
from app.auth.permissions import can
from app.extensions import db
from app.timeutil import rfc3339

bp = Blueprint("agenda_api", __name__, url_prefix="/api/v1")


class EventOut(api.Answer):
    id: int
    slug: str
    title: str
    kind: str
    start_date: date
    end_date: date
    timezone: str
    status: str


class EventsOut(api.Answer):
    events: list[EventOut]


class SpeakerOut(api.Answer):
    id: int
    name: str
    role: str


class SessionOut(api.Answer):
    id: int
    title: str
    starts_at: str
    ends_at: str
    cancelled: bool
    opd: api.OpdOut | None = None
    speakers: list[SpeakerOut]


class SessionsOut(api.Answer):
    event: EventOut
    version: int | None
    sessions: list[SessionOut]


@bp.get("/events")
@login_required
@api.endpoint(summary="Events (published ones; organisers also see drafts)", response=EventsOut)
def events():
    query = select(Event).order_by(Event.start_date.desc(), Event.id.desc())
    if not can(current_user, "agenda.manage"):
        query = query.where(Event.status != "draft")
    rows = db.session.scalars(query).all()
    latest = dict(
        db.session.execute(
            select(AgendaVersion.event_id, db.func.max(AgendaVersion.number)).group_by(
                AgendaVersion.event_id
            )
        ).all()
    )
    return jsonify(
        events=[
            {**versions.event_dict(event), "status": event.status, "version": latest.get(event.id)}
            for event in rows
        ]
    )


@bp.get("/events/<slug>/sessions")
@login_required
@api.endpoint(summary="An event's published agenda", path=api.EventPath, response=SessionsOut)
def sessions(slug):
    """The published agenda; organisers get the live draft of an unpublished event."""
    event = visible_event_or_404(slug)
    version = services.latest_version(event)
    if version is not None:
        snapshot, number = version.snapshot, version.number
    elif can(current_user, "agenda.manage"):
        snapshot, number = versions.build_snapshot(event, None), None
    else:  # visible but never published: nothing official to show yet
        snapshot, number = {"event": versions.event_dict(event), "sessions": []}, None
    return jsonify(
        event={**snapshot["event"], "status": event.status},
        version=number,
        sessions=[_api_session(session) for session in snapshot["sessions"]],
    )


def _api_session(session: dict) -> dict:
    # Snapshots keep naive UTC text; the API says which instant it is (DESIGN.md contract).
    return {
        **session,
        "starts_at": rfc3339(session["starts_at"]),
        "ends_at": rfc3339(session["ends_at"]),
    }
