"""The ready-to-copy WhatsApp invitation text and its wa.me link."""

import re

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from agenda.models import Event
from participants.directory.people import person_search_clause
from participants.facts import EventFacts, event_facts, indonesian
from participants.mail.compose import render_text, text_context
from participants.models import Person, Registration

# Who is offered a WhatsApp text: people still invited or already confirmed.
WHATSAPP_STATUSES = ("invited", "confirmed")

# --- WhatsApp -------------------------------------------------------------------------------------


def recipients(event: Event, search: str = "", status: str = ""):
    """The query for the WhatsApp page: the event's invited and confirmed people (or those of
    ``status``), by name, matching ``search`` (name, NIP, e-mail …); person and OPD loaded."""
    statuses = (status,) if status in WHATSAPP_STATUSES else WHATSAPP_STATUSES
    query = (
        select(Registration)
        .join(Registration.person)
        .outerjoin(Person.opd)
        .where(Registration.event_id == event.id, Registration.status.in_(statuses))
        .options(contains_eager(Registration.person).contains_eager(Person.opd))
        .order_by(Person.name, Registration.id)
    )
    return query.where(person_search_clause(search)) if search else query


def wa_number(phone: str | None) -> str | None:
    """An Indonesian phone number as wa.me wants it ('0812-3456-789' → '628123456789'),
    or None when it does not look like one."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("62") or not 10 <= len(digits) <= 15:
        return None
    return digits


def whatsapp_text(registration: Registration, facts: EventFacts | None = None) -> str:
    """A ready-to-copy WhatsApp message for one participant: greeting with their name, the
    event, its date, time and place, their personal link and a short RSVP request."""
    facts = facts or event_facts(registration.event)
    with indonesian():
        return render_text("whatsapp", **text_context(facts, registration))


def whatsapp_link(registration: Registration, text: str) -> str | None:
    """https://wa.me/62…?text=… when the person has a usable phone number."""
    from urllib.parse import quote

    number = wa_number(registration.person.phone)
    return f"https://wa.me/{number}?text={quote(text, safe='')}" if number else None


def share_link(registration: Registration) -> str:
    """WhatsApp with the participant's own invitation text: to their number when it is known,
    else to a contact the sender picks (a head forwarding the link to a delegate)."""
    from urllib.parse import quote

    text = whatsapp_text(registration)
    return whatsapp_link(registration, text) or f"https://wa.me/?text={quote(text, safe='')}"
