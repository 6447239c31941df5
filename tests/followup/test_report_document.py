"""The meeting report (Laporan hasil rapat) as an official document (issue 27): no page left
mostly blank, the minutes in the report's own size, supporting OPDs by name like the lead OPD,
and a signature block with "Mengetahui,"."""

import io
from datetime import date

from pypdf import PdfReader

from app.extensions import db
from participants.documents.letters import letter_for, save_letter


def _sizes(page) -> dict[str, float]:
    """Each piece of text on ``page`` → the font size it is drawn in."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found[text.strip()] = size * tm[0] if tm[0] else size

    page.extract_text(visitor_text=visit)
    return found


def test_the_meeting_report_reads_as_one_official_document(
    make_event, make_session, make_item, make_person, city, login_as
):
    event = make_event("sm-xi", title="Strategic Meeting XI", start=date(2026, 9, 10))
    session = make_session(event, "09:00", "10:00", title="Paparan realisasi anggaran")
    sekda = make_person("Drs. Budi Santoso, M.Si.", nip="196801011990031005")
    save_letter(
        letter_for(event),
        place="Batu",
        signatory_position="a.n. WALI KOTA BATU\nSEKRETARIS DAERAH",
        signatory_name=sekda.name,
        signatory_nip=sekda.nip,
    )
    db.session.commit()
    organiser = login_as("organiser")
    organiser.submit(
        "/events/sm-xi/notulen",
        {"session_id": str(session.id), "text": "Realisasi kota 56,6% pada triwulan III."},
    )
    make_item(
        city["bappeda"],
        event=event,
        supporting=[city["dpupr"], city["dinkes"]],
        title="Kontrak khusus 10 OPD terendah",
    )

    pdf = PdfReader(io.BytesIO(organiser.get("/events/sm-xi/laporan.pdf").data))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())

    assert len(pdf.pages) == 1  # section IV follows on the same page; none left blank
    assert "Dinas Kesehatan" in text and "Dinas Pekerjaan Umum dan Penataan Ruang)" in text
    assert "DPUPR" not in text and "DINKES" not in text  # names, as for the lead OPD
    assert "Mengetahui," in text and "a.n. WALI KOTA BATU" in text
    assert "Drs. Budi Santoso, M.Si." in text and "NIP. 19680101 199003 1 005" in text
    assert "Batu, 10 September 2026" in text  # the other signature, dated the meeting's day
    sizes = _sizes(pdf.pages[0])
    minutes = sizes["Realisasi kota 56,6% pada triwulan III."]
    assert minutes == sizes["Kontrak khusus 10 OPD terendah"]  # a table cell's size
