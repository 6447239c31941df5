import time

from sqlalchemy import func, select

from app.demo import seed_opds
from app.extensions import db
from app.opds.models import Opd
from participants.demo import seed_people
from participants.models import PERSON_LEVELS, Person
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
