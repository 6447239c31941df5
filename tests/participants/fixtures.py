"""Factories for participants (loaded for the whole suite by tests/conftest.py)."""

import pytest

from app.extensions import db
from participants.directory import heads, people
from participants.models import Person, Registration


@pytest.fixture
def make_person():
    counter = iter(range(1, 100_000))

    def make(name=None, nip=None, level="administrator", opd=None, email=None, head=None, **fields):
        """``head="definitif"``/``"plt"``/``"plh"`` records the person as head of ``opd``."""
        n = next(counter)
        person = people.save_person(
            Person(),
            nip=nip,
            name=name or f"Pejabat {n}, S.Sos.",
            position=fields.pop("position", "Kepala Bidang"),
            level=level,
            golongan=fields.pop("golongan", "IV/a"),
            opd_id=opd.id if opd else None,
            email=email,
            phone=fields.pop("phone", ""),
            institution=fields.pop("institution", ""),
            **fields,
        )
        if head:
            heads.set_head(opd, person, head)
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_registration(make_person):
    """make_registration(event, person=None, status="invited", role="peserta", group="")."""

    def make(event, person=None, **fields):
        registration = Registration(
            event_id=event.id, person_id=(person or make_person()).id, **fields
        )
        db.session.add(registration)
        db.session.commit()
        return registration

    return make
