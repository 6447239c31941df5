"""Factories for agenda tests (loaded for the whole suite by tests/conftest.py): events, rooms,
speakers and sessions in local (event) time."""

from datetime import date, datetime

import pytest

from agenda import services
from agenda.models import Event, Room, Session, Speaker
from app.extensions import db


@pytest.fixture
def make_event():
    counter = iter(range(1, 100_000))

    def make(
        slug=None,
        *,
        start=date(2025, 8, 4),
        end=None,
        status="published",
        timezone="Asia/Jakarta",
        **fields,
    ):
        n = next(counter)
        event = services.save_event(
            Event(),
            slug=slug or f"acara-{n}",
            title=fields.pop("title", f"Strategic Meeting {n}"),
            kind=fields.pop("kind", "strategic_meeting"),
            start_date=start,
            end_date=end or start,
            timezone=timezone,
            venue=fields.pop("venue", "Hotel Aston Batu"),
            status=status,
            **fields,
        )
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_room():
    def make(event, name="Ballroom", capacity=None, position=0):
        room = Room(event=event, name=name, capacity=capacity, position=position)
        db.session.add(room)
        db.session.commit()
        return room

    return make


@pytest.fixture
def make_speaker():
    counter = iter(range(1, 100_000))

    def make(name=None, position="Kepala BKN", institution="Badan Kepegawaian Negara", **fields):
        speaker = Speaker(
            name=name or f"Narasumber {next(counter)}",
            position=position,
            institution=institution,
            **fields,
        )
        db.session.add(speaker)
        db.session.commit()
        return speaker

    return make


@pytest.fixture
def make_session():
    """make_session(event, "09:00", "10:00", day=date(...)) — times are wall-clock in the event's zone."""

    def make(
        event,
        start="09:00",
        end="10:00",
        *,
        day=None,
        title="Sesi",
        room=None,
        speakers=(),
        **fields,
    ):
        day = day or event.start_date
        starts = datetime.combine(day, datetime.strptime(start, "%H:%M").time())
        ends = datetime.combine(day, datetime.strptime(end, "%H:%M").time())
        if ends <= starts:  # ends after midnight
            from datetime import timedelta

            ends += timedelta(days=1)
        session = services.save_session(
            Session(),
            event=event,
            title=title,
            kind=fields.pop("kind", "plenary"),
            starts_at=services.to_utc(starts, event.timezone),
            ends_at=services.to_utc(ends, event.timezone),
            room_id=room.id if room else None,
            speakers=[(s, "narasumber") if isinstance(s, Speaker) else s for s in speakers],
            **fields,
        )
        db.session.commit()
        return session

    return make
