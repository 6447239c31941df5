"""Composing the messages (invitation, reminder, agenda update) with their calendar attachment."""

import re
from email.utils import formataddr, parseaddr

from flask import current_app, render_template
from flask_babel import gettext as _
from icalendar import Calendar, vCalAddress

from agenda.ical import build_calendar
from agenda.models import AgendaVersion
from app.timeutil import utcnow
from participants.facts import EventFacts, personal_url, sessions_for_group
from participants.models import OutboundMessage, Registration

CALENDAR_FILENAME = "susunan-acara.ics"

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


def render_text(kind: str, **context) -> str:
    text = render_template(f"participants/mail/{kind}.txt", **context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def text_context(facts: EventFacts, registration: Registration) -> dict:
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
    body = render_text("invitation", **text_context(facts, registration), has_calendar=bool(ics))
    subject = _("Undangan: %(title)s, %(dates)s", title=facts.event.title, dates=facts.dates)
    return _message("invitation", registration, subject, body, ics)


def compose_reminder(registration: Registration, facts: EventFacts) -> OutboundMessage:
    body = render_text("reminder", **text_context(facts, registration))
    subject = _("Pengingat: %(title)s, %(dates)s", title=facts.event.title, dates=facts.dates)
    return _message("reminder", registration, subject, body, "")


def compose_agenda_update(
    registration: Registration, facts: EventFacts, version: AgendaVersion, lines: list[str]
) -> OutboundMessage:
    # The updated calendar (higher SEQUENCE; cancelled sessions as STATUS:CANCELLED) lets
    # calendar apps that accepted the invitation follow the change.
    ics = invitation_calendar(facts, registration, with_cancelled=True)
    body = render_text(
        "agenda_update",
        **text_context(facts, registration),
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
