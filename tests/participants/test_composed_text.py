"""Text built from stored values reads cleanly (issue 15): every letter, mail, WhatsApp text and
PDF of the demo is rendered and searched for a word doubled at a join ("Ruang Ruang Rapat
Utama") and for a doubled full stop ("S.E.." after a title)."""

import io
import itertools
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from agenda import services as agenda_services
from agenda import versions
from agenda.demo import seed_events
from agenda.models import Event
from app.demo import seed_accounts, seed_opds
from app.extensions import db
from participants.demo import (
    DEMO_REGISTRATIONS,
    seed_letters,
    seed_people,
    seed_registrations,
)
from participants.facts import change_line, changes_for_group, event_facts, indonesian
from participants.mail.compose import compose_agenda_update, compose_invitation, compose_reminder
from participants.mail.whatsapp import whatsapp_text
from participants.models import Registration

DOUBLED_WORD = re.compile(r"\b(\w{2,})[ \t]+\1\b", re.IGNORECASE)  # within a line
DOUBLED_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def defects(text: str) -> list[str]:
    found = [text[max(0, m.start() - 25) : m.end() + 5] for m in DOUBLED_WORD.finditer(text)]
    found += [text[max(0, m.start() - 25) : m.end() + 5] for m in DOUBLED_STOP.finditer(text)]
    return found


def pdf_words(data: bytes) -> str:
    """The pages' text with each page's lines joined: a label printed above its value (the
    badge's "KELOMPOK" over "Kelompok A") counts as a join."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def demo(app):
    for step in (seed_opds, seed_accounts, seed_people, seed_events):
        step(lambda _message: None)
    for step in (seed_registrations, seed_letters):
        step(lambda _message: None)
    db.session.commit()
    # The events the demo invites people to (a next meeting still in draft has no one yet).
    return db.session.scalars(
        select(Event).where(Event.slug.in_(DEMO_REGISTRATIONS)).order_by(Event.start_date)
    ).all()


def test_the_demos_mail_whatsapp_letters_and_pdfs_have_no_doubled_words_or_stops(
    demo, login_as, app
):
    app.config["BASE_URL"] = "https://sinergi.example"
    texts: dict[str, str] = {}
    for event in demo:
        facts = event_facts(event)
        registrations = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id)
        ).all()
        assert registrations, event.slug
        with indonesian():
            for registration in registrations:
                key = f"{event.slug}/{registration.id}"
                for kind, message in (
                    ("invitation", compose_invitation(registration, facts)),
                    ("reminder", compose_reminder(registration, facts)),
                ):
                    texts[f"{kind} {key}"] = f"{message.subject}\n{message.body}\n{message.ics}"
                texts[f"whatsapp {key}"] = whatsapp_text(registration, facts)

    # An agenda update: move a session with a room (its name starts with "Ruang"), publish.
    event = demo[0]
    session = next(s for s in event.sessions if s.room is not None and not s.cancelled)
    agenda_services.move_session(
        session, starts_at=session.starts_at + timedelta(minutes=30), room_id=session.room_id
    )
    db.session.commit()
    version = versions.publish(event)
    db.session.commit()
    facts = event_facts(event)
    confirmed = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status == "confirmed"
        )
    ).all()
    with indonesian():
        for registration in confirmed[:5]:
            lines = [
                change_line(c, event.timezone)
                for c in changes_for_group(version, registration.group)
            ]
            message = compose_agenda_update(registration, facts, version, lines)
            texts[f"agenda update {registration.id}"] = message.body

    # A conflict in a room named "Ruang …" and one between sessions of a group "Kelompok …",
    # so the builder lists both messages.
    for event in demo:
        sessions = [s for s in event.sessions if not s.cancelled]
        roomed = [s for s in sessions if s.room is not None and s.room.name.startswith("Ruang")]
        if len(roomed) > 1:
            agenda_services.move_session(
                roomed[1], starts_at=roomed[0].starts_at, room_id=roomed[0].room_id
            )
        grouped = sorted((s for s in sessions if s.track), key=lambda s: (s.track, s.starts_at))
        pair = next(((a, b) for a, b in itertools.pairwise(grouped) if a.track == b.track), None)
        if pair:
            agenda_services.move_session(
                pair[1], starts_at=pair[0].starts_at, room_id=pair[1].room_id
            )
    db.session.commit()

    organiser = login_as("organiser")
    for event in demo:
        for url in (
            f"/manage/events/{event.slug}/letters/opd.pdf",
            f"/events/{event.slug}/badges.pdf",
            f"/events/{event.slug}/agenda.pdf",
        ):
            response = organiser.get(url)
            assert response.status_code == 200, url
            texts[url] = pdf_words(response.data)
        guest = db.session.scalar(
            select(Registration)
            .join(Registration.person)
            .where(Registration.event_id == event.id)
            .where(Registration.person.has(opd_id=None))
        )
        if guest is not None:
            url = f"/manage/events/{event.slug}/letters/registration/{guest.id}.pdf"
            texts[url] = pdf_words(organiser.get(url).data)
        pages = [f"/manage/events/{event.slug}/", f"/events/{event.slug}/changes"]
        delegated = db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.delegate_of_id.is_not(None)
            )
        ).all()
        for registration in delegated[:3]:  # the delegate's page and the head's
            pages += [
                f"/p/{registration.link_token}/",
                f"/p/{registration.delegate_of.link_token}/",
            ]
        for url in pages:
            response = organiser.get(url, follow_redirects=True)
            assert response.status_code == 200, url
            main = response.get_data(as_text=True).split("<main", 1)[-1]
            # Each text node on its own: a heading above a list is no join.
            nodes = [n.strip() for n in re.split(r"<[^>]+>", main) if n.strip()]
            texts[url] = "\n".join(nodes)

    found = {name: defects(text) for name, text in texts.items()}
    found = {name: problems for name, problems in found.items() if problems}
    assert found == {}, sorted(found.items())[:10]
    conflicts = " ".join(text for url, text in texts.items() if url.startswith("/manage/events/"))
    assert "Ruang Rapat Utama dipakai dua sesi sekaligus" in conflicts
    assert "Kelompok A dijadwalkan dua kali sekaligus" in conflicts
