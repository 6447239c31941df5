"""One kit for official PDFs (app/pdf.py): a city that sets its letterhead sees it on every
official document, and every PDF Sinergi makes names the city as its author."""

import io

import pytest
from pypdf import PdfReader

from app.extensions import db
from followup import services as followup
from tests.evaluation.fixtures import realisation

LETTERHEAD = "PEMERINTAH KABUPATEN MALANG|SEKRETARIAT DAERAH|Jalan Panji No. 158 Kepanjen"


@pytest.fixture
def letterhead(app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTERHEAD", LETTERHEAD)
    monkeypatch.setitem(app.config, "ORGANISATION_NAME", "Pemerintah Kabupaten Malang")


@pytest.fixture
def meeting(make_event, make_opd, make_person, make_registration, make_session):
    opd = make_opd("DINKES", name="Dinas Kesehatan")
    event = make_event("sm-malang", title="Strategic Meeting Triwulan III")
    make_session(event, "09:00", "10:00", title="Paparan realisasi")
    make_registration(event, make_person("Rina Kusuma", opd=opd), status="confirmed")
    followup.create_item(event, title="Percepat lelang", lead_opd=opd)
    db.session.add(realisation(opd.id, 2_000_000_000, 1_133_000_000))
    db.session.commit()
    return event


def _read(response) -> tuple[str, dict]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(reader.pages[0].extract_text().split()), reader.metadata


@pytest.mark.parametrize(
    "path",
    [
        "/events/sm-malang/daftar-hadir.pdf",
        "/events/sm-malang/laporan.pdf",
        "/tindak-lanjut/rekap.pdf",
        "/evaluasi/peringkat.pdf",
        "/manage/events/sm-malang/letters/opd.pdf",
    ],
)
def test_every_official_document_carries_the_city_letterhead(letterhead, meeting, login_as, path):
    text, properties = _read(login_as("organiser").get(path))
    assert "PEMERINTAH KABUPATEN MALANG SEKRETARIAT DAERAH Jalan Panji No. 158 Kepanjen" in text
    assert properties.author == "Pemerintah Kabupaten Malang"
    assert properties.creator == "Sinergi" and properties.title


@pytest.mark.parametrize("path", ["/events/sm-malang/agenda.pdf", "/events/sm-malang/badges.pdf"])
def test_other_pdfs_name_the_city_as_their_author(letterhead, meeting, login_as, path):
    _text, properties = _read(login_as("organiser").get(path))
    assert properties.author == "Pemerintah Kabupaten Malang"
    assert properties.creator == "Sinergi" and properties.title


def test_without_a_letterhead_the_city_name_heads_the_document(app, meeting, login_as):
    text, _properties = _read(login_as("organiser").get("/events/sm-malang/daftar-hadir.pdf"))
    organisation = app.config["ORGANISATION_NAME"].upper()
    assert text.startswith(f"{organisation} SEKRETARIAT DAERAH DAFTAR HADIR")
