"""The official invitation letter (surat undangan): settings form and PDFs read back with pypdf."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from agenda.demo import seed_events
from app.demo import seed_opds
from app.extensions import db
from app.opds.models import Opd
from participants.demo import seed_letters, seed_people, seed_registrations
from participants.models import InvitationLetter, OpdHead, Person
from participants.nip import format_nip

SETTINGS = {
    "number": "005/123/422.010/2025",
    "nature": "Segera",
    "attachment": "1 (satu) berkas",
    "subject": "Undangan Strategic Meeting Triwulan III",
    "place": "Batu",
    "letter_date": "2025-07-21",
    "opening": "",
    "closing": "",
    "dress_code": "Batik lengan panjang",
    "signatory_position": "a.n. WALI KOTA BATU\nSEKRETARIS DAERAH",
    "signatory_name": "Dr. Ir. Hendra Wijaya, M.T.",
    "signatory_rank": "Pembina Utama Muda (IV/c)",
    "signatory_nip": "19700512 199503 1 002",
}


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    # Words only: the PDF breaks long lines where it likes.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pages(response) -> int:
    return len(PdfReader(io.BytesIO(response.data)).pages)


@pytest.fixture
def invited(make_event, make_session, make_opd, make_person, make_registration):
    """A meeting with officials of two OPDs invited (one declined) and one outside guest."""
    event = make_event(
        "sm-tw3",
        title="Strategic Meeting Triwulan III",
        start=date(2025, 8, 4),
        venue="Balai Kota Among Tani",
    )
    make_session(event, "08:00", "10:00", title="Pembukaan")
    kominfo = make_opd("DISKOMINFO", name="Dinas Komunikasi dan Informatika")
    dinkes = make_opd("DINKES", name="Dinas Kesehatan")
    make_registration(event, make_person("Ir. Budi Santoso", opd=kominfo, position="Kepala Dinas"))
    make_registration(
        event,
        make_person("Siti Aminah, S.Kom.", opd=kominfo, position="Kepala Bidang Aplikasi"),
        status="confirmed",
    )
    make_registration(
        event, make_person("Rudi Hartono", opd=kominfo, position="Sekretaris"), status="declined"
    )
    make_registration(event, make_person("dr. Lina Marlina", opd=dinkes, position="Kepala Dinas"))
    guest = make_registration(
        event,
        make_person(
            "Prof. Dr. Andi Wijaya", position="Guru Besar", institution="Universitas Brawijaya"
        ),
        role="narasumber",
    )
    return {"event": event, "kominfo": kominfo, "dinkes": dinkes, "guest": guest}


def test_opd_letter_is_addressed_to_the_head_and_lists_only_its_invited_officials(
    invited, login_as
):
    organiser = login_as("organiser")
    response = organiser.submit("/manage/events/sm-tw3/letter", SETTINGS)
    assert response.status_code == 302

    kominfo = invited["kominfo"]
    letter = organiser.get(f"/manage/events/sm-tw3/letters/opd/{kominfo.id}.pdf")
    text = pdf_text(letter)
    assert pages(letter) == 2  # the letter and its attachment page
    for expected in (
        "PEMERINTAH KOTA BATU",
        "Nomor",
        "005/123/422.010/2025",
        "Undangan Strategic Meeting Triwulan III",
        "Batu, 21 Juli 2025",
        "Yth. Kepala Dinas Komunikasi dan Informatika",
        "Senin, 4 Agustus 2025",
        "08.00 WIB s.d. selesai",
        "Balai Kota Among Tani",
        "Batik lengan panjang",
        "SEKRETARIS DAERAH",
        "Dr. Ir. Hendra Wijaya, M.T.",
        "Pembina Utama Muda (IV/c)",
        "NIP. 19700512 199503 1 002",
        "DAFTAR UNDANGAN",
        "Lampiran : Surat WALI KOTA BATU",
        "Ir. Budi Santoso",
        "Siti Aminah, S.Kom.",
        "Kepala Bidang Aplikasi",
    ):
        assert expected in text, expected
    assert "Rudi Hartono" not in text  # declined
    assert "dr. Lina Marlina" not in text and "Dinas Kesehatan" not in text  # other OPD
    assert "Andi Wijaya" not in text


def test_all_opds_in_one_pdf_one_letter_and_attachment_each(invited, login_as):
    organiser = login_as("organiser")
    organiser.submit("/manage/events/sm-tw3/letter", SETTINGS)
    response = organiser.get("/manage/events/sm-tw3/letters/opd.pdf")
    text = pdf_text(response)
    assert pages(response) == 4
    assert text.count("Yth. Kepala") == 2
    assert "Yth. Kepala Dinas Kesehatan" in text and "dr. Lina Marlina" in text
    assert text.index("Dinas Kesehatan") < text.index("Dinas Komunikasi dan Informatika")


def test_personal_letter_for_a_guest_without_opd(invited, login_as):
    organiser = login_as("organiser")
    organiser.submit("/manage/events/sm-tw3/letter", SETTINGS)
    page = organiser.get("/manage/events/sm-tw3/letter").get_data(as_text=True)
    guest = invited["guest"]
    url = f"/manage/events/sm-tw3/letters/registration/{guest.id}.pdf"
    assert url in page  # offered on the settings page
    response = organiser.get(url)
    text = pdf_text(response)
    assert pages(response) == 1
    assert "Yth. Bapak/Ibu Prof. Dr. Andi Wijaya" in text
    assert "Universitas Brawijaya" in text
    assert "005/123/422.010/2025" in text


def test_registration_of_another_event_is_not_found(invited, make_event, login_as):
    make_event("lain")
    organiser = login_as("organiser")
    guest = invited["guest"]
    assert (
        organiser.get(f"/manage/events/lain/letters/registration/{guest.id}.pdf").status_code == 404
    )


def test_letter_works_with_defaults_before_settings_are_saved(invited, login_as):
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/letter").get_data(as_text=True)
    assert "Dinas Komunikasi dan Informatika" in page and "2 pejabat" in page
    text = pdf_text(organiser.get(f"/manage/events/sm-tw3/letters/opd/{invited['dinkes'].id}.pdf"))
    assert "Dalam rangka pelaksanaan Strategic Meeting Triwulan III" in text
    assert "Undangan Strategic Meeting Triwulan III" in text
    assert db.session.query(InvitationLetter).count() == 0


def test_a_letter_without_number_or_signer_is_stamped_draft_on_every_page(invited, login_as):
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/letter").get_data(as_text=True)
    assert "Belum diisi: nomor surat, penanda tangan." in page
    response = organiser.get("/manage/events/sm-tw3/letters/opd.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    for sheet in reader.pages:  # letters and attachment pages alike
        assert "DRAF – belum diisi: nomor surat, penanda tangan" in sheet.extract_text()

    organiser.submit("/manage/events/sm-tw3/letter", {**SETTINGS, "signatory_name": ""})
    text = pdf_text(organiser.get("/manage/events/sm-tw3/letters/opd.pdf"))
    assert "DRAF – belum diisi: penanda tangan" in text and "nomor surat," not in text

    organiser.submit("/manage/events/sm-tw3/letter", SETTINGS)
    assert "DRAF" not in pdf_text(organiser.get("/manage/events/sm-tw3/letters/opd.pdf"))
    page = organiser.get("/manage/events/sm-tw3/letter").get_data(as_text=True)
    assert "data-letter-gaps" not in page


def test_the_demo_letters_are_complete(app, login_as):
    for step in (seed_opds, seed_people, seed_events, seed_registrations, seed_letters):
        step(lambda _message: None)
    db.session.commit()
    organiser = login_as("organiser")
    sekda = db.session.scalar(select(Person).join(OpdHead).join(Opd).where(Opd.code == "SETDA"))
    text = pdf_text(organiser.get("/manage/events/strategic-meeting-iii/letters/opd.pdf"))
    assert "DRAF" not in text
    assert re.search(r"Nomor : 005/\d{3}/35\.79\.102/\d{4}", text)
    assert sekda.name in text and "NIP. " + format_nip(sekda.nip) in text
    assert "a.n. WALI KOTA BATU SEKRETARIS DAERAH" in text


def test_a_wrong_nip_is_refused_and_nothing_is_saved(invited, login_as):
    organiser = login_as("organiser")
    response = organiser.submit(
        "/manage/events/sm-tw3/letter", {**SETTINGS, "signatory_nip": "1970 0512"}
    )
    assert response.status_code == 200
    assert "NIP harus 18 digit" in response.get_data(as_text=True)
    assert db.session.query(InvitationLetter).count() == 0


def test_saved_settings_come_back_in_the_form(invited, login_as):
    organiser = login_as("organiser")
    organiser.submit("/manage/events/sm-tw3/letter", SETTINGS)
    stored = db.session.query(InvitationLetter).one()
    assert stored.signatory_nip == "197005121995031002"
    assert stored.letter_date == date(2025, 7, 21)
    page = organiser.get("/manage/events/sm-tw3/letter").get_data(as_text=True)
    assert 'value="005/123/422.010/2025"' in page and "19700512 199503 1 002" in page


def test_letterhead_from_the_letterhead_setting(app, invited, login_as):
    organiser = login_as("organiser")
    saved = app.config.get("LETTERHEAD")
    app.config["LETTERHEAD"] = "PEMERINTAH KABUPATEN MALANG|SEKRETARIAT DAERAH|Jalan Contoh 1"
    try:
        text = pdf_text(organiser.get("/manage/events/sm-tw3/letters/opd.pdf"))
    finally:
        app.config["LETTERHEAD"] = saved
    assert "PEMERINTAH KABUPATEN MALANG" in text and "Jalan Contoh 1" in text
    assert "PEMERINTAH KOTA BATU" not in text


@pytest.mark.parametrize("role", ["viewer", "operator", "opd"])
def test_only_organisers_print_letters(invited, login_as, role):
    client = login_as(role)
    for path in (
        "/manage/events/sm-tw3/letter",
        "/manage/events/sm-tw3/letters/opd.pdf",
        f"/manage/events/sm-tw3/letters/opd/{invited['kominfo'].id}.pdf",
        f"/manage/events/sm-tw3/letters/registration/{invited['guest'].id}.pdf",
    ):
        assert client.get(path).status_code == 403
    assert client.submit("/manage/events/sm-tw3/letter", SETTINGS).status_code == 403
    assert db.session.query(InvitationLetter).count() == 0


def test_admin_prints_letters(invited, login_as):
    admin = login_as("admin")
    assert admin.get("/manage/events/sm-tw3/letter").status_code == 200
    assert pdf_text(admin.get("/manage/events/sm-tw3/letters/opd.pdf"))


def test_letters_stay_indonesian_for_an_organiser_using_english(invited, login_as):
    organiser = login_as("organiser")
    organiser.submit("/manage/events/sm-tw3/letter", SETTINGS)
    assert organiser.submit("/language/en").status_code == 302
    assert "Invitation letter" in organiser.get("/manage/events/sm-tw3/letter").get_data(
        as_text=True
    )  # the organiser's pages are in English now

    text = pdf_text(organiser.get(f"/manage/events/sm-tw3/letters/opd/{invited['kominfo'].id}.pdf"))
    assert "Yth. Kepala Dinas Komunikasi dan Informatika" in text
    text = pdf_text(organiser.get("/manage/events/sm-tw3/letters/opd.pdf"))
    assert text.count("Yth. Kepala") == 2
    guest = invited["guest"]
    text = pdf_text(organiser.get(f"/manage/events/sm-tw3/letters/registration/{guest.id}.pdf"))
    assert "Yth. Bapak/Ibu Prof. Dr. Andi Wijaya" in text
    assert "Head of" not in text and "Mr/Ms" not in text
