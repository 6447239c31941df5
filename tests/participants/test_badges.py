"""Badges (PDF with the pass QR) and the participant list (XLSX).

QR codes are read back the way a door scanner would: each PDF page is rendered to an image
(``pdftoppm``, Debian poppler-utils) and decoded with ``zbarimg`` (zbar-tools); both are
installed by scripts/ensure-chromium.sh.
"""

import io
import re
import shutil
import subprocess  # noqa: S404 (fixed commands on files the test wrote)
import tempfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert

from app.extensions import db
from participants import passes
from participants.documents import badges
from participants.models import Person, Registration, new_token

A4_POINTS = (595.28, 841.89)
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"


def scan_pdf(pdf: bytes, folder) -> list[str]:
    """Every QR code on the PDF's pages, rendered at 150 dpi, in reading order per page."""
    folder = Path(tempfile.mkdtemp(dir=folder))
    source = folder / "badges.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-r", "150", "-gray", "-png", str(source), str(folder / "page")], check=True
    )
    codes = []
    for page in sorted(folder.glob("page*.png")):
        result = subprocess.run(  # noqa: S603
            [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
        )
        assert result.returncode in (0, 4), result.stderr  # 4: no code on the page
        codes += result.stdout.split()
    return codes


def pdf_of(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/pdf"
    return response.get_data()


def pdf_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def retreat(make_event):
    return make_event(
        "retret-2025",
        title="Retret Kepala Perangkat Daerah 2025",
        start=date(2025, 5, 16),
        end=date(2025, 5, 18),
        venue="Akademi Militer Magelang",
    )


@pytest.fixture
def diskominfo(make_opd):
    return make_opd("DISKOMINFO", name="Dinas Komunikasi dan Informatika", short_name="Diskominfo")


@pytest.fixture
def organiser(login_as):
    return login_as("organiser")


def badge_url(registration) -> str:
    return f"/events/{registration.event.slug}/registrations/{registration.id}/badge.pdf"


# --- one badge ---------------------------------------------------------------------------------


def test_badge_qr_scans_to_the_registrations_pass(
    organiser, retreat, diskominfo, make_person, make_registration, tmp_path
):
    person = make_person("Dr. Onny Ardianto, S.T., M.T.", opd=diskominfo)
    registration = make_registration(retreat, person)
    make_registration(retreat)  # someone else, not on this badge

    codes = scan_pdf(pdf_of(organiser.get(badge_url(registration))), tmp_path)

    assert codes == [registration.pass_token]
    found = passes.lookup(codes[0], "pass")
    assert found.state == "active"
    assert found.registration.id == registration.id


def test_qr_holds_only_the_pass_token(
    organiser, retreat, diskominfo, make_person, make_registration, tmp_path
):
    person = make_person(
        "Drs. Budi Santoso, M.Si.",
        nip="198609262015051001",
        opd=diskominfo,
        email="budi@batukota.go.id",
    )
    registration = make_registration(retreat, person)

    (code,) = scan_pdf(pdf_of(organiser.get(badge_url(registration))), tmp_path)

    assert code == registration.pass_token
    for personal in ("Budi Santoso", "198609262015051001", "budi@", "Diskominfo"):
        assert personal not in code


def test_badge_shows_person_role_group_and_event_in_indonesian(
    organiser, retreat, diskominfo, make_person, make_registration
):
    person = make_person("Dr. Ir. Sopa Ike Paci, M.Si.", position="Kepala Dinas", opd=diskominfo)
    registration = make_registration(retreat, person, role="narasumber", group="Kelompok B")

    response = organiser.get(badge_url(registration))

    (page,) = pdf_text(pdf_of(response))
    for shown in (
        "Dr. Ir. Sopa Ike Paci, M.Si.",
        "Kepala Dinas",
        "Diskominfo",
        "NARASUMBER",
        "Kelompok B",
        "Retret Kepala Perangkat Daerah 2025",
        "16–18 Mei 2025",
        "Akademi Militer Magelang",
    ):
        assert shown in page
    assert (
        f'filename="badge-retret-2025-{registration.id}.pdf"'
        in (response.headers["Content-Disposition"])
    )


def test_guest_badge_shows_the_institution(organiser, retreat, make_person, make_registration):
    guest = make_person(
        "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
        level="non_asn",
        position="Kepala",
        institution="Badan Kepegawaian Negara",
    )
    registration = make_registration(retreat, guest, role="undangan")

    (page,) = pdf_text(pdf_of(organiser.get(badge_url(registration))))

    assert "Badan Kepegawaian Negara" in page
    assert "UNDANGAN" in page


def test_reissued_pass_old_badge_scans_as_revoked_new_badge_as_the_person(
    organiser, retreat, make_registration, tmp_path
):
    registration = make_registration(retreat)
    old_badge = pdf_of(organiser.get(badge_url(registration)))

    passes.reissue(registration, "pass")
    db.session.commit()
    new_badge = pdf_of(organiser.get(badge_url(registration)))

    (old_code,) = scan_pdf(old_badge, tmp_path)
    (new_code,) = scan_pdf(new_badge, tmp_path)
    assert old_code != new_code
    old = passes.lookup(old_code, "pass")
    assert old.state == "revoked"
    assert old.registration.id == registration.id
    new = passes.lookup(new_code, "pass")
    assert new.state == "active"
    assert new.registration.id == registration.id


def test_badge_of_another_events_registration_is_not_found(
    organiser, retreat, make_event, make_registration
):
    other = make_registration(make_event("rakor-2025"))

    assert (
        organiser.get(f"/events/retret-2025/registrations/{other.id}/badge.pdf").status_code == 404
    )
    assert (
        organiser.get(f"/events/retret-2025/registrations/{other.id + 99}/badge.pdf").status_code
        == 404
    )
    assert organiser.get("/events/tidak-ada/badges.pdf").status_code == 404


@pytest.mark.parametrize("status", ["declined", "cancelled", "delegated"])
def test_no_single_badge_for_a_registration_without_a_seat(
    organiser, retreat, make_person, make_registration, status
):
    """A live pass is printed only for someone expected to attend (the batch's rule)."""
    registration = make_registration(retreat, make_person("Pejabat Tanpa Kursi"), status=status)
    seated = make_registration(retreat, make_person("Pejabat Hadir"), status="confirmed")

    assert organiser.get(badge_url(registration)).status_code == 404
    assert organiser.get(badge_url(seated)).status_code == 200
    listing = organiser.get("/manage/events/retret-2025/registrations/").get_data(as_text=True)
    assert badge_url(registration) not in listing and badge_url(seated) in listing


# --- the batch ---------------------------------------------------------------------------------


def test_batch_has_one_badge_per_expected_attendee(
    organiser, retreat, make_event, make_person, make_registration, tmp_path
):
    expected = [
        make_registration(retreat, make_person(f"Peserta Hadir {n}"), status="confirmed")
        for n in range(6)
    ]
    expected.append(make_registration(retreat, make_person("Undangan Belum Jawab")))
    head = make_registration(retreat, make_person("Kepala Dinas Diwakilkan"), status="delegated")
    expected.append(
        make_registration(
            retreat, make_person("Sekretaris Wakil"), status="confirmed", delegate_of_id=head.id
        )
    )
    expected.append(make_registration(retreat, make_person("Panitia Satu"), role="panitia"))
    make_registration(retreat, make_person("Pejabat Menolak"), status="declined")
    make_registration(retreat, make_person("Pejabat Dibatalkan"), status="cancelled")
    make_registration(make_event("rakor-2025"), make_person("Peserta Acara Lain"))

    response = organiser.get("/events/retret-2025/badges.pdf")
    pdf = pdf_of(response)

    assert response.headers["Content-Disposition"] == 'attachment; filename="badge-retret-2025.pdf"'
    pages = pdf_text(pdf)
    assert len(pages) == 2  # 9 badges, 8 to a sheet
    assert image_count(pdf) == 9
    assert sorted(scan_pdf(pdf, tmp_path)) == sorted(r.pass_token for r in expected)
    text = " ".join(pages)
    for name in ("Peserta Hadir 0", "Undangan Belum Jawab", "Sekretaris Wakil", "Panitia Satu"):
        assert name in text
    assert "PESERTA" in text and "PANITIA" in text
    for absent in ("Menolak", "Dibatalkan", "Diwakilkan", "Acara Lain"):
        assert absent not in text


def test_batch_without_expected_attendees_says_so(organiser, retreat, make_registration):
    make_registration(retreat, status="declined")

    pdf = pdf_of(organiser.get("/events/retret-2025/badges.pdf"))

    (page,) = pdf_text(pdf)
    assert "Belum ada peserta yang diharapkan hadir" in page
    assert image_count(pdf) == 0


def test_long_names_shrink_and_wrap_inside_the_badge(app):
    with app.test_request_context("/"):
        sheet = badges.SheetText(
            title="Retret dan Penguatan Kapasitas Kepala Perangkat Daerah " * 3,
            dates="30 Desember 2025 – 2 Januari 2026",
            venue="Akademi Militer Magelang, Jawa Tengah " * 3,
            organisation="Pemerintah Kabupaten Kepulauan Seribu Utara dan Selatan " * 2,
            group_label="Kelompok",
            page_label="%(page)s/%(pages)s",
            document_title="Badge",
            empty="",
        )
        badge = badges.Badge(
            registration_id=1,
            name="Prof. Dr. Ir. H. Muhammad Abdurrahman Wicaksono Prawiranegara Kusumawardhani, "
            "S.T., M.T., M.Sc., Ph.D., IPU, ASEAN.Eng. " * 2,
            position="Kepala Bidang Pengelolaan Informasi dan Komunikasi Publik " * 3,
            affiliation="Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah " * 2,
            role="narasumber",
            role_label="Narasumber",
            group="Kelompok Diskusi Tematik Reformasi Birokrasi Tematik",
            token="x" * 27,
        )
        layout = badges.layout_badge(badge, sheet)

    texts = layout.texts
    assert texts[0].text == "NARASUMBER"
    assert any(text.text.startswith("Prof. Dr. Ir. H.") for text in texts)
    for text in texts:
        top, bottom = text.y + text.size * badges.ASCENT, text.y - text.size * 0.22
        assert text.left >= 0 and text.left + text.width <= badges.BADGE_WIDTH, text
        assert bottom >= 0 and top <= badges.BADGE_HEIGHT, text
        below_band = top <= badges.BADGE_HEIGHT - badges.BAND
        left_of_qr = text.left + text.width <= badges.QR_X
        under_qr = top <= badges.QR_TOP - badges.QR_SIZE
        in_band = bottom >= badges.BADGE_HEIGHT - badges.BAND
        assert in_band or (below_band and (left_of_qr or under_qr)), text
    # Lines of the left column never overlap each other.
    column = sorted((t for t in texts if t.x == badges.PAD), key=lambda t: -t.y)
    for upper, lower in zip(column, column[1:], strict=False):
        assert upper.y - upper.size * 0.22 >= lower.y + lower.size * badges.ASCENT - 0.01, (
            upper,
            lower,
        )


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (date(2025, 5, 16), date(2025, 5, 18), "16–18 Mei 2025"),
        (date(2025, 8, 4), date(2025, 8, 4), "4 Agustus 2025"),
        (date(2025, 5, 30), date(2025, 6, 1), "30 Mei – 1 Juni 2025"),
        (date(2025, 12, 30), date(2026, 1, 2), "30 Desember 2025 – 2 Januari 2026"),
    ],
)
def test_event_dates_on_badges_are_indonesian(app, start, end, shown):
    with app.test_request_context("/"):
        assert badges.date_span(start, end) == shown


# --- who may print -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("organiser", 200)])
def test_organisers_and_admins_print_badges(login_as, retreat, make_registration, role, status):
    registration = make_registration(retreat)
    client = login_as(role)

    assert client.get("/events/retret-2025/badges.pdf").status_code == status
    assert client.get(badge_url(registration)).status_code == status


@pytest.mark.parametrize("role", ["opd", "viewer", "operator"])
def test_other_roles_cannot_print_badges(login_as, retreat, make_registration, role):
    registration = make_registration(retreat)
    client = login_as(role)

    assert client.get("/events/retret-2025/badges.pdf").status_code == 403
    assert client.get(badge_url(registration)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, retreat, make_registration):
    registration = make_registration(retreat)

    for url in (
        "/events/retret-2025/badges.pdf",
        badge_url(registration),
        "/events/retret-2025/registrations.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


# --- participant list (XLSX) -------------------------------------------------------------------


def test_participant_list_xlsx_has_every_registration_and_who_a_delegate_stands_for(
    organiser, retreat, diskominfo, make_person, make_registration
):
    head = make_registration(
        retreat,
        make_person(
            "Drs. Kepala Dinas, M.M.",
            nip="198609262015051001",
            position="Kepala Dinas",
            opd=diskominfo,
        ),
        status="delegated",
        group="Kelompok A",
    )
    make_registration(
        retreat,
        make_person("Sekretaris Dinas, S.Kom.", position="Sekretaris", opd=diskominfo),
        status="confirmed",
        delegate_of_id=head.id,
        group="Kelompok A",
    )
    make_registration(
        retreat,
        make_person("Prof. Tamu", level="non_asn", institution="Universitas Brawijaya"),
        role="narasumber",
    )

    response = organiser.get("/events/retret-2025/registrations.xlsx")

    assert response.status_code == 200
    assert 'filename="peserta-retret-2025.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "No",
        "Nama",
        "NIP",
        "Jabatan",
        "OPD/Instansi",
        "Peran",
        "Kelompok",
        "Status",
        "Mewakili",
    ]
    by_name = {row[1]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == [1, 2, 3]
    assert by_name["Drs. Kepala Dinas, M.M."][2:9] == [
        "19860926 201505 1 001",
        "Kepala Dinas",
        "Diskominfo",
        "Peserta",
        "Kelompok A",
        "Diwakilkan",
        None,
    ]
    delegate = by_name["Sekretaris Dinas, S.Kom."]
    assert delegate[7] == "Akan hadir"
    assert delegate[8] == "Drs. Kepala Dinas, M.M."
    guest = by_name["Prof. Tamu"]
    assert guest[4] == "Universitas Brawijaya"
    assert guest[5] == "Narasumber"
    assert guest[7] == "Diundang"


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("organiser", 200), ("operator", 403), ("viewer", 200), ("opd", 403)],
)
def test_who_may_download_the_participant_list(login_as, retreat, role, status):
    assert login_as(role).get("/events/retret-2025/registrations.xlsx").status_code == status


# --- constant queries --------------------------------------------------------------------------


def add_registrations(event, count, opd, start=0):
    """``count`` people with registrations (every fifth a delegate of the one before)."""
    people = db.session.scalars(
        insert(Person).returning(Person.id),
        [
            {
                "name": f"Pegawai {start + n:04d}, S.E.",
                "position": "Analis Kebijakan",
                "level": "fungsional",
                "opd_id": opd.id,
            }
            for n in range(count)
        ],
    ).all()
    ids = db.session.scalars(
        insert(Registration).returning(Registration.id),
        [
            {
                "event_id": event.id,
                "person_id": person_id,
                "status": "confirmed",
                "role": "peserta",
                "pass_token": new_token(),
                "link_token": new_token(),
            }
            for person_id in people
        ],
    ).all()
    for previous, registration_id in zip(ids[3::5], ids[4::5], strict=False):
        db.session.get(Registration, registration_id).delegate_of_id = previous
    db.session.commit()


@pytest.mark.parametrize(
    "url", ["/events/retret-2025/badges.pdf", "/events/retret-2025/registrations.xlsx"]
)
def test_badges_and_list_run_the_same_queries_for_10_and_200_people(
    organiser, retreat, diskominfo, count_queries, url
):
    counts = []
    for size, start in ((10, 0), (190, 10)):
        add_registrations(retreat, size, diskominfo, start)
        with count_queries() as counter:
            response = organiser.get(url)
            assert response.status_code == 200
            response.get_data()
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_the_footer_keeps_the_whole_venue(app):
    """Issue 27: "Balai Kota Among Tani, Ko…" — the venue wraps (or shrinks), never cut."""
    venue = "Balai Kota Among Tani, Jl. Panglima Sudirman No. 507, Kota Batu"
    with app.test_request_context("/"):
        sheet = badges.SheetText(
            title="Rapat Koordinasi Program Prioritas Daerah",
            dates="27–29 Desember 2026",
            venue=venue,
            organisation="Pemerintah Kota Batu",
            group_label="Kelompok",
            page_label="%(page)s/%(pages)s",
            document_title="Pass",
            empty="",
        )
        badge = badges.Badge(
            registration_id=1,
            name="Drs. Agus Santoso, M.Si.",
            position="Kepala Dinas Pemuda dan Olahraga",
            affiliation="Dinas Pemuda dan Olahraga",
            role="peserta",
            role_label="Peserta",
            group="",
            token="x" * 27,
        )
        layout = badges.layout_badge(badge, sheet)
    lines = [t.text for t in layout.texts]
    first = lines.index(next(t for t in lines if t.startswith("27–29")))
    assert " ".join(lines[first : first + 2]) == f"27–29 Desember 2026 · {venue}"
    assert not any(badges.ELLIPSIS in line for line in lines)
    assert all(t.left + t.width <= badges.QR_X for t in layout.texts if t.x == badges.PAD)
