"""A certificate's number carries the event's whole short code, and every NIP on it is printed
one way (issue 27)."""

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance.models import Certificate
from participants.documents.letters import letter_for, save_letter


def test_the_number_keeps_the_whole_code_and_the_nips_read_alike(
    make_event, make_session, make_registration, make_person, check_in, login_as
):
    slug = "rakor-program-prioritas-daerah"
    event = make_event(
        slug, kind="capacity_building", start=to_zone(utcnow()).date() - timedelta(days=1)
    )
    session = make_session(event, "08:00", "09:00", takes_attendance=True)
    present = make_registration(
        event, make_person("Rina Kusuma, S.E.", nip="198609262015051001"), status="confirmed"
    )
    check_in(present, session, session.starts_at)
    save_letter(
        letter_for(event),
        signatory_position="SEKRETARIS DAERAH",
        signatory_name="Drs. Budi Santoso, M.Si.",
        signatory_nip="196801011990031005",
    )
    db.session.commit()
    organiser = login_as("organiser")
    organiser.submit(
        f"/events/{slug}/certificates", {"title": "SERTIFIKAT", "min_percent": "50", "hours": "2"}
    )
    organiser.submit(f"/events/{slug}/certificates/issue")

    [certificate] = db.session.scalars(select(Certificate)).all()
    year = event.end_date.year
    assert certificate.number == f"001/SERT/RAKOR-PROGRAM-PRIORITAS-DAERAH/{year}"
    text = PdfReader(io.BytesIO(organiser.get(f"/events/{slug}/certificates.pdf").data))
    text = text.pages[0].extract_text()
    assert f"Nomor: 001/SERT/RAKOR-PROGRAM-PRIORITAS-DAERAH/{year}" in text
    assert "NIP 19860926 201505 1 001" in text  # the participant's
    assert "NIP 19680101 199003 1 005" in text  # the signatory's, the same way
    assert "196801011990031005" not in text


def test_a_defined_code_goes_into_the_number_and_a_bad_one_is_refused(
    make_event, make_session, make_registration, make_person, check_in, login_as
):
    slug = "rakor-program-prioritas-daerah"
    event = make_event(slug, start=to_zone(utcnow()).date() - timedelta(days=1))
    session = make_session(event, "08:00", "09:00", takes_attendance=True)
    present = make_registration(event, make_person("Rina"), status="confirmed")
    check_in(present, session, session.starts_at)
    organiser = login_as("organiser")
    rule = {"title": "SERTIFIKAT", "min_percent": "50", "hours": "2"}
    refused = organiser.submit(f"/events/{slug}/certificates", rule | {"number_code": "RAKOR/PP"})
    assert "Hanya huruf, angka, titik dan tanda hubung." in refused.get_data(as_text=True)
    organiser.submit(f"/events/{slug}/certificates", rule | {"number_code": "rakor-pp"})
    organiser.submit(f"/events/{slug}/certificates/issue")
    [certificate] = db.session.scalars(select(Certificate)).all()
    assert certificate.number == f"001/SERT/RAKOR-PP/{event.end_date.year}"
