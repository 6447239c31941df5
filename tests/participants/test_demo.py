"""The demo data of participants: the directory of officials and the registrations of the demo
events, realistic and idempotent."""

import time

from sqlalchemy import func, select

from app.demo import seed_opds
from app.extensions import db
from app.opds.models import Opd
from participants.demo import seed_people
from participants.models import PERSON_LEVELS, Person, Registration
from participants.nip import is_valid_nip


def _run(messages):
    seed_opds(messages.append)
    db.session.commit()
    seed_people(messages.append)
    db.session.commit()


def test_demo_directory_has_about_300_officials_with_valid_nips_and_is_idempotent(request_ctx):
    messages = []
    started = time.perf_counter()
    _run(messages)
    assert time.perf_counter() - started < 5
    people = db.session.scalars(select(Person)).all()
    assert 270 <= len(people) <= 330
    officials = [p for p in people if p.level != "non_asn"]
    assert all(is_valid_nip(p.nip) for p in officials)
    assert len({p.nip for p in officials}) == len(officials)
    assert {p.level for p in people} == set(PERSON_LEVELS)
    # Every demo OPD has its people; heads of dinas are JPT Pratama, camat Administrator,
    # lurah Pengawas; national speakers are guests without NIP.
    assert db.session.scalar(select(func.count(func.distinct(Person.opd_id)))) == db.session.scalar(
        select(func.count()).select_from(Opd)
    )
    by_position = {p.position: p for p in people}
    assert by_position["Kepala Dinas Komunikasi dan Informatika"].level == "jpt_pratama"
    assert by_position["Camat Batu"].level == "administrator"
    assert by_position["Lurah Sisir"].level == "pengawas"
    assert by_position["Kepala Bagian Organisasi"].name == "Dr. Ir. Sopa Ike Paci, M.Si."
    zudan = by_position["Kepala Badan Kepegawaian Negara"]
    assert zudan.name == "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H." and zudan.nip is None
    assert all(p.golongan for p in officials)

    snapshot = {(p.nip, p.name, p.position, p.email) for p in people}
    _run(messages)
    db.session.expire_all()
    again = {(p.nip, p.name, p.position, p.email) for p in db.session.scalars(select(Person))}
    assert again == snapshot
    assert messages[-1].endswith("(0 new)")


def test_demo_registrations_cover_every_status_with_delegates_and_groups(request_ctx):
    from agenda.demo import seed_events
    from app.demo import seed_opds
    from participants.demo import seed_people, seed_registrations

    messages = []
    for step in (seed_opds, seed_people, seed_events, seed_registrations):
        step(messages.append)
        db.session.commit()
    rows = db.session.scalars(select(Registration)).all()
    by_event: dict[str, list[Registration]] = {}
    for r in rows:
        by_event.setdefault(r.event.slug, []).append(r)
    assert set(by_event) == {
        "strategic-meeting-iii",
        "rakor-program-prioritas",
        "retret-kepemimpinan-asn",
    }
    retreat = by_event["retret-kepemimpinan-asn"]
    assert {r.status for r in retreat} == {
        "invited",
        "confirmed",
        "declined",
        "delegated",
        "cancelled",
    }
    assert {r.group for r in retreat if r.role == "peserta"} == {
        "Kelompok A",
        "Kelompok B",
        "Kelompok C",
    }
    camat = [r for r in retreat if r.person.position.startswith(("Camat", "Lurah"))]
    assert camat and {r.group for r in camat} == {"Kelompok B"}
    for r in rows:
        if r.status == "delegated":
            active = [d for d in r.delegates if d.status in ("invited", "confirmed")]
            assert len(active) == 1 and active[0].status == "confirmed"
    speakers = {r.person.name for r in retreat if r.role == "narasumber"}
    assert {"Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.", "Adhy Karyono"} <= speakers
    assert {r.person.opd.code for r in retreat if r.role == "panitia"} == {"BAG-ORG"}
    meeting = by_event["strategic-meeting-iii"]
    assert sum(r.status == "confirmed" for r in meeting) > len(meeting) / 2

    snapshot = {(r.event_id, r.person_id, r.status, r.group) for r in rows}
    seed_registrations(messages.append)
    db.session.commit()
    db.session.expire_all()
    again = {
        (r.event_id, r.person_id, r.status, r.group)
        for r in db.session.scalars(select(Registration))
    }
    assert again == snapshot
    assert messages[-1].endswith("(no new events)")
