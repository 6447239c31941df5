"""Registrations (issue 5): a small city to invite from, and helpers to read what happened."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from participants.models import Registration


def submit(client, url, prefix, data):
    """POST a prefixed form (its CSRF field is '<prefix>-csrf_token')."""
    token = client.csrf_token()
    return client.post(url, data={f"{prefix}-csrf_token": token, **data})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def registered(event) -> dict[str, Registration]:
    """The event's registrations by the person's name."""
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id))
    return {r.person.name: r for r in rows}


def batch_entries() -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "RegistrationBatch")
    ).all()


@pytest.fixture
def city(make_opd, make_person):
    """A small city: two dinas (one dissolved), a kecamatan with two kelurahan, and officials."""
    dinkes = make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    old = make_opd("DISLAMA", name="Dinas Lama", short_name="Dislama")
    old.active = False
    kec = make_opd("KEC-BATU", kind="kecamatan", name="Kecamatan Batu", short_name="Kec. Batu")
    kec2 = make_opd("KEC-BUMIAJI", kind="kecamatan", name="Kecamatan Bumiaji")
    sisir = make_opd("KEL-SISIR", kind="kelurahan", parent=kec, name="Kelurahan Sisir")
    temas = make_opd("KEL-TEMAS", kind="kelurahan", parent=kec, name="Kelurahan Temas")
    db.session.commit()
    people = {
        "kadinkes": make_person(
            "dr. Aditya Prasetyo, M.Kes.",
            level="jpt_pratama",
            opd=dinkes,
            position="Kepala Dinas Kesehatan",
            head="definitif",
        ),
        "sekdinkes": make_person(
            "Sri Rahayu, S.KM.", opd=dinkes, position="Sekretaris Dinas Kesehatan"
        ),
        "kabid": make_person(
            "Bagus Santoso, S.KM.", level="pengawas", opd=dinkes, position="Kepala Seksi"
        ),
        "kadislama": make_person(
            "Drs. Heru Wibowo",
            level="jpt_pratama",
            opd=old,
            position="Kepala Dinas Lama",
            head="definitif",
        ),
        "retired_head": make_person(
            "Ir. Gatot Subagyo",
            level="jpt_pratama",
            opd=dinkes,
            position="Kepala Dinas (purna)",
            active=False,
        ),
        "camat": make_person(
            "Rizal Hakim, S.STP.",
            opd=kec,
            position="Camat Batu",
            level="administrator",
            head="definitif",
        ),
        "sekcam": make_person(
            "Dewi Lestari, S.Sos.", opd=kec, position="Sekretaris Kecamatan Batu"
        ),
        "plt_camat": make_person(
            "Yudi Hermawan, S.IP.",
            opd=kec2,
            position="Sekretaris Kecamatan Bumiaji",
            level="administrator",
            head="plt",
        ),
        "lurah_sisir": make_person(
            "Anang Kusuma, S.AP.", opd=sisir, position="Lurah Sisir", level="pengawas", head="plh"
        ),
        "seklur_sisir": make_person(
            "Nurul Fitriani, S.E.",
            opd=sisir,
            position="Sekretaris Kelurahan Sisir",
            level="pengawas",
        ),
        "lurah_temas": make_person(
            "Imam Mahmud", opd=temas, position="Lurah Temas", level="pengawas", active=False
        ),
        "camat_in_dinas": make_person(
            "Budi Utomo", opd=dinkes, position="Camat (mantan), staf", level="pengawas"
        ),
        "guest": make_person(
            "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
            level="non_asn",
            position="Kepala BKN",
            institution="Badan Kepegawaian Negara",
        ),
    }
    return {"opds": {"dinkes": dinkes, "kec": kec, "sisir": sisir, "temas": temas}, **people}
