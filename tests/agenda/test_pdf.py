"""The printable susunan acara: the print view and the A4 PDF (read back with pypdf)."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from pypdf.generic import RectangleObject

from agenda import services
from app.extensions import db

from .public_helpers import fill, publish, text_of

A4_POINTS = (595.28, 841.89)


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    for page in reader.pages:
        box: RectangleObject = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture
def agenda(make_event, make_room, make_speaker, make_session):
    event = make_event(
        "retret-2025",
        title="Retret Kepala OPD 2025",
        start=date(2025, 8, 4),
        end=date(2025, 8, 5),
        venue="Akmil Magelang",
    )
    ballroom = make_room(event, "Ballroom")
    zudan = make_speaker("Prof. Dr. Zudan Arif Fakrulloh", position="Kepala BKN", institution="BKN")
    make_session(
        event,
        "09:30",
        "10:30",
        title="Paparan BKN",
        room=ballroom,
        speakers=[zudan],
        track="Pleno Utama",
    )
    make_session(
        event,
        "07:00",
        "08:00",
        day=date(2025, 8, 5),
        title="Apel Pagi",
        room=ballroom,
        description="Pakaian dinas lapangan.",
    )
    gone = make_session(event, "15:00", "16:00", day=date(2025, 8, 5), title="Kunjungan Museum")
    services.set_cancelled(gone, True)
    db.session.commit()
    publish(event)
    return event


def test_print_view_is_an_a4_susunan_acara_table_per_day(client, agenda):
    response = client.get("/events/retret-2025/print")
    html = response.get_data(as_text=True)
    page = text_of(html)

    assert response.status_code == 200
    assert 'href="/static/print.css' in html
    css = client.get("/static/print.css").get_data(as_text=True)
    assert "size: A4" in css and "@page" in css
    assert (
        "SUSUNAN ACARA Retret Kepala OPD 2025 Senin, 4 Agustus 2025 – Selasa, 5 Agustus 2025 Akmil Magelang"
        in page
    )
    assert page.count("Waktu Acara Narasumber/Keterangan Tempat") == 2
    assert (
        page.index("Senin, 4 Agustus 2025 Waktu")
        < page.index("Paparan BKN")
        < page.index("Selasa, 5 Agustus 2025 Waktu")
        < page.index("Apel Pagi")
    )
    assert (
        "09.30–10.30 WIB Paparan BKN Pleno Utama Narasumber: Prof. Dr. Zudan Arif Fakrulloh, Kepala BKN (BKN) Ballroom"
        in page
    )
    assert "07.00–08.00 WIB Apel Pagi Pakaian dinas lapangan. Ballroom" in page
    assert "Kunjungan Museum" not in page  # cancelled sessions are left out of the printed agenda


def test_agenda_pdf_has_the_same_content_on_a4_pages(client, agenda):
    response = client.get("/events/retret-2025/agenda.pdf")
    pages = pdf_pages(response)
    text = " ".join(pages)

    assert (
        response.headers["Content-Disposition"]
        == 'inline; filename="susunan-acara-retret-2025.pdf"'
    )
    assert "SUSUNAN ACARA" in text and "Retret Kepala OPD 2025" in text
    assert "Senin, 4 Agustus 2025 – Selasa, 5 Agustus 2025" in text and "Akmil Magelang" in text
    assert "Waktu Acara Narasumber/Keterangan Tempat" in text
    assert (
        text.index("Senin, 4 Agustus 2025 Waktu")
        < text.index("09.30–10.30 WIB Paparan BKN")
        < text.index("Selasa, 5 Agustus 2025 Waktu")
        < text.index("07.00–08.00 WIB Apel Pagi")
    )
    assert "Narasumber: Prof. Dr. Zudan Arif Fakrulloh, Kepala BKN (BKN)" in text
    assert "Kunjungan Museum" not in text
    assert "Versi 1" in text and "Halaman 1 dari 1" in pages[0]


def test_a_long_agenda_runs_over_pages_each_numbered(client, make_event, make_speaker, make_room):
    event = make_event("panjang", start=date(2025, 8, 4), end=date(2025, 8, 6))
    fill(event, 120, [make_speaker() for _ in range(10)], [make_room(event, "Aula")])
    publish(event)

    pages = pdf_pages(client.get("/events/panjang/agenda.pdf"))

    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in page
    # The day and the column headings are repeated at the top of every page.
    assert all("Agustus 2025 Waktu Acara Narasumber/Keterangan Tempat" in page for page in pages)
    assert all(f"Sesi {n} " in " ".join(pages) + " " for n in (1, 60, 120))


def test_drafts_print_only_for_organisers_as_a_preview(client, login_as, make_event, make_session):
    event = make_event("draf-retret", status="draft")
    make_session(event, "09:00", "10:00", title="Sesi Belum Terbit")
    organiser = login_as("organiser")

    assert client.get("/events/draf-retret/print").status_code == 404
    assert client.get("/events/draf-retret/agenda.pdf").status_code == 404
    assert "Pratinjau draf" in text_of(
        organiser.get("/events/draf-retret/print").get_data(as_text=True)
    )
    text = " ".join(pdf_pages(organiser.get("/events/draf-retret/agenda.pdf")))
    assert "09.00–10.00 WIB Sesi Belum Terbit" in text and "Pratinjau draf" in text


def test_a_session_ending_after_midnight_says_so_in_print(client, make_event, make_session):
    event = make_event("malam")
    make_session(event, "21:00", "01:00", title="Malam Keakraban")
    publish(event)

    assert "21.00–01.00 WIB (hari berikutnya) Malam Keakraban" in text_of(
        client.get("/events/malam/print").get_data(as_text=True)
    )
    assert "21.00–01.00 WIB (hari berikutnya) Malam Keakraban" in " ".join(
        pdf_pages(client.get("/events/malam/agenda.pdf"))
    )
