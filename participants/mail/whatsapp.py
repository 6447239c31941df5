"""The ready-to-copy WhatsApp invitation text and its wa.me link."""

import re

from participants.mail.compose import render_text, text_context
from participants.mail.facts import EventFacts, event_facts, indonesian
from participants.models import Registration

# --- WhatsApp -------------------------------------------------------------------------------------


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
