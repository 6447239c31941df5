"""Factories for participants (loaded for the whole suite by tests/conftest.py), and a real
SMTP server on loopback (aiosmtpd) for mail tests."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

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


BASE = "https://sinergi.batukota.example"
SENDER = "panitia@batukota.example"


class Collector:
    """An SMTP handler that keeps every message and refuses the addresses in ``refuse``."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_DEFAULT_SENDER")


@pytest.fixture
def mail_config(app):
    """Point the (session-wide) app at 127.0.0.1 and restore its settings afterwards."""
    saved = {key: app.config.get(key) for key in (*MAIL_KEYS, "BASE_URL")}
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=free_port(),  # nothing listens there until smtp_server starts
        MAIL_USE_TLS=False,
        MAIL_USERNAME=None,
        MAIL_DEFAULT_SENDER=f"Panitia Strategic Meeting <{SENDER}>",
        BASE_URL=BASE,
    )
    yield app.config
    app.config.update(saved)


@pytest.fixture
def smtp_server(mail_config):
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=mail_config["MAIL_PORT"])
    controller.start()
    yield handler
    controller.stop()
