"""The daftar hadir as an Indonesian office signs it: everyone expected, numbered in the order
of the OPDs and their positions, a delegate on the head's line, the alternating signature
column, and the times and statuses as they become known (PDF and XLSX, per day and session)."""

import io
import re
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from agenda.services import to_utc
from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance import services
from participants.models import Registration

NIP_SEKDA = "196904261994011003"
NIP_KABAG = "197211031996032008"


@pytest.fixture
def city(make_opd):
    setda = make_opd("SETDA", kind="sekretariat", name="Sekretariat Daerah", short_name="Setda")
    return SimpleNamespace(
        setda=setda,
        bagorg=make_opd(
            "BAG-ORG", kind="bagian", parent=setda, name="Bagian Organisasi", short_name="Bag. Org"
        ),
        dinkes=make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes"),
        bakesbangpol=make_opd(
            "BAKESBANGPOL",
            kind="badan",
            name="Badan Kesatuan Bangsa dan Politik",
            short_name="Bakesbangpol",
        ),
    )


# In the order the daftar hadir must print them (name, level, OPD attribute, head).
EXPECTED = [
    ("Drs. Budi Santoso, M.AP.", "jpt_pratama", "setda", True),  # Sekda: Setda's head
    ("Ani Wulandari, S.E.", "administrator", "setda", False),
    ("Dr. Ir. Sopa Ike Paci, M.Si.", "administrator", "bagorg", True),  # Bagian after Setda
    ("Wahyu Kurniawan, S.Sos.", None, "dinkes", False),  # the delegate, on the head's line
    ("Bambang Irawan, S.KM.", "administrator", "dinkes", False),
    ("Prof. Dr. Agus Salim, M.Si.", "pengawas", "dinkes", False),  # sorted as "Agus Salim"
    ("Lestari Handayani, S.Kep.", "pengawas", "dinkes", False),
    ("Citra Dewi, A.Md.Kep.", "fungsional", "dinkes", False),
    ("Hendra Gunawan, S.H.", "jpt_pratama", "bakesbangpol", True),
    ("Nurochman", "non_asn", None, False),  # a guest: after the OPDs
]
HEAD_OF_DINKES = "dr. Zainal Abidin, M.Kes."


@pytest.fixture
def roll(city, make_person, make_registration):
    """roll(event) → the event's registrations by name, as EXPECTED plus a head who sent a
    delegate, someone who declined and someone cancelled (the same people at every event)."""
    people: dict = {}

    def person(name, level, opd=None, head=False):
        if name not in people:
            nip = {"Drs. Budi Santoso, M.AP.": NIP_SEKDA, "Dr. Ir. Sopa Ike Paci, M.Si.": NIP_KABAG}
            people[name] = make_person(
                name,
                nip=nip.get(name),
                level=level,
                opd=opd,
                head="definitif" if head else None,
                institution="" if opd else "Pemerintah Kota Batu",
                position="Pejabat" if opd else "Wali Kota Batu",
            )
        return people[name]

    def build(event):
        by_name = {}
        for name, level, opd, head in EXPECTED:
            if level is not None:
                who = person(name, level, getattr(city, opd) if opd else None, head)
                by_name[name] = make_registration(event, who, status="confirmed")
        chief = person(HEAD_OF_DINKES, "jpt_pratama", city.dinkes, head=True)
        by_name[HEAD_OF_DINKES] = make_registration(event, chief, status="delegated")
        by_name["Wahyu Kurniawan, S.Sos."] = make_registration(
            event,
            person("Wahyu Kurniawan, S.Sos.", "non_asn", city.dinkes),
            status="confirmed",
            delegate_of_id=by_name[HEAD_OF_DINKES].id,
        )
        for name, status in (("Eko Menolak", "declined"), ("Fajar Dibatalkan", "cancelled")):
            who = person(name, "jpt_pratama", city.dinkes)
            by_name[name] = make_registration(event, who, status=status)
        return by_name

    return build


def _at(event, clock: str, day=None):
    moment = datetime.combine(day or event.start_date, datetime.strptime(clock, "%H:%M").time())
    return to_utc(moment, event.timezone)


def _xlsx(client, url):
    """(workbook sheet, title rows, header, data rows) of a downloaded daftar hadir."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [list(row) for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(cells) if row[0].value in ("No", "No."))
    titles = [row[0].value for row in cells[:start] if row[0].value]
    header = [cell.value for cell in cells[start]]
    return sheet, titles, header, cells[start + 1 :]


def _column(header, rows, name):
    index = header.index(name)
    return [row[index] for row in rows]


def _pdf(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _names_in_pdf_order(text: str) -> list[str]:
    names = [name for name, *_rest in EXPECTED]
    return sorted((n for n in names if n in text), key=text.index)


def test_before_the_meeting_it_is_the_blank_sheet_of_everyone_expected(
    make_event, make_session, roll, login_as
):
    event = make_event(start=to_zone(utcnow()).date() + timedelta(days=10))
    make_session(event, "09:00", "12:00", takes_attendance=True, title="Arahan Wali Kota")
    roll(event)
    organiser = login_as("organiser")

    _sheet, _titles, header, rows = _xlsx(organiser, f"/events/{event.slug}/daftar-hadir.xlsx")
    assert [c.value for c in _column(header, rows, "Nama")] == [name for name, *_ in EXPECTED]
    assert [c.value for c in _column(header, rows, "No")] == list(range(1, len(EXPECTED) + 1))
    assert all(c.value is None for c in _column(header, rows, "Waktu hadir"))
    assert all(c.value is None for c in _column(header, rows, "Status"))

    text = _text(_pdf(organiser, f"/events/{event.slug}/daftar-hadir.pdf"))
    assert _names_in_pdf_order(text) == [name for name, *_ in EXPECTED]
    for gone in ("Eko Menolak", "Fajar Dibatalkan"):
        assert gone not in text
    assert "10 peserta diharapkan hadir" in text
    for status in ("Hadir", "Terlambat", "Tidak hadir"):
        assert not re.search(rf"^{status}$", text, re.M)
    assert not re.search(r"\b\d\d\.\d\d\b(?!–)", text.split("Tanda tangan", 1)[1])


def test_order_is_by_opd_then_position_with_the_delegate_on_the_heads_line(
    make_event, roll, login_as
):
    event = make_event(start=to_zone(utcnow()).date() + timedelta(days=10))
    roll(event)
    organiser = login_as("organiser")
    _sheet, _t, header, rows = _xlsx(organiser, f"/events/{event.slug}/daftar-hadir.xlsx")
    line = dict(zip((c.value for c in _column(header, rows, "Nama")), rows, strict=True))

    delegate = [c.value for c in line["Wahyu Kurniawan, S.Sos."]]
    assert delegate[header.index("Keterangan")] == f"mewakili {HEAD_OF_DINKES}"
    assert delegate[header.index("OPD")] == "Dinas Kesehatan"
    assert HEAD_OF_DINKES not in line  # the head's line is the delegate's
    sekda = [c.value for c in line["Drs. Budi Santoso, M.AP."]]
    assert sekda[header.index("NIP")] == "19690426 199401 1 003"
    assert sekda[header.index("OPD")] == "Sekretariat Daerah"

    text = _text(_pdf(organiser, f"/events/{event.slug}/daftar-hadir.pdf"))
    assert f"mewakili {HEAD_OF_DINKES}" in " ".join(text.split())
    assert "Bakesbangpol" in text  # an OPD's short name whole, never broken mid-word

    # The organiser's list page shows the same people in the same order, with the same count.
    page = organiser.get(f"/events/{event.slug}/attendance/list").get_data(as_text=True)
    assert sorted((n for n, *_ in EXPECTED), key=page.index) == [n for n, *_ in EXPECTED]


def test_after_scans_times_and_after_the_day_statuses(
    make_event, make_session, roll, check_in, login_as
):
    today = to_zone(utcnow()).date()
    # A meeting held three days ago: over, so whoever did not come is "tidak hadir".
    past = make_event(start=today - timedelta(days=3))
    session = make_session(past, "09:00", "10:00", takes_attendance=True, title="Arahan")
    people = roll(past)
    check_in(people["Ani Wulandari, S.E."], session, _at(past, "09:05"))
    check_in(people["Wahyu Kurniawan, S.Sos."], session, _at(past, "09:20"))  # after the grace
    services.mark_absence(past, people["Hendra Gunawan, S.H."], past.start_date, None, "sakit")
    services.mark_absence(
        past, people["Bambang Irawan, S.KM."], past.start_date, None, "dinas_luar", "Ke Jakarta"
    )
    db.session.commit()
    organiser = login_as("organiser")

    _s, _t, header, rows = _xlsx(organiser, f"/events/{past.slug}/daftar-hadir.xlsx")
    by_name = {row[header.index("Nama")].value: row for row in rows}
    arrived = by_name["Ani Wulandari, S.E."][header.index("Waktu hadir")]
    assert arrived.is_date and arrived.value == time(9, 5)
    assert by_name["Wahyu Kurniawan, S.Sos."][header.index("Waktu hadir")].value == time(9, 20)
    status = {name: row[header.index("Status")].value for name, row in by_name.items()}
    assert status["Ani Wulandari, S.E."] == "Hadir"
    assert status["Wahyu Kurniawan, S.Sos."] == "Terlambat"
    assert status["Hendra Gunawan, S.H."] == "Sakit"
    assert status["Bambang Irawan, S.KM."] == "Dinas luar"
    assert by_name["Bambang Irawan, S.KM."][header.index("Keterangan")].value == "Ke Jakarta"
    assert status["Citra Dewi, A.Md.Kep."] == "Tidak hadir"
    assert by_name["Citra Dewi, A.Md.Kep."][header.index("Waktu hadir")].value is None

    text = _text(_pdf(organiser, f"/events/{past.slug}/daftar-hadir.pdf"))
    assert "09.05" in text and "09.20" in text
    assert "Tidak hadir" in text and "Dinas luar" in text and "Ke Jakarta" in text
    assert "2 hadir dari 10 diharapkan (1 terlambat); 1 sakit; 1 dinas luar; 6 tidak hadir" in (
        " ".join(text.split())
    )
    # The session's own sheet: its check-ins; the reasons given for the day are the door's.
    text = _text(_pdf(organiser, f"/events/{past.slug}/daftar-hadir.pdf?session={session.id}"))
    assert "09.05" in text and "Sakit" not in text
    assert "2 hadir dari 10 diharapkan (1 terlambat); 8 tidak hadir" in " ".join(text.split())

    # The organiser's list numbers each line as the printed sheet does, also when filtered.
    page = organiser.get(
        f"/events/{past.slug}/attendance/list?day={past.start_date}&status=tidak_hadir"
    ).get_data(as_text=True)
    assert re.search(r"<td>8</td>\s*<td>Citra Dewi, A.Md.Kep.", page)
    assert "Ani Wulandari" not in page

    # During a meeting that is not over yet, who has not come yet has no status.
    now = to_zone(utcnow())
    current = make_event(start=now.date())
    make_session(current, "00:00", "23:59", takes_attendance=True)
    people = roll(current)
    check_in(people["Ani Wulandari, S.E."], None, utcnow())
    _s, _t, header, rows = _xlsx(organiser, f"/events/{current.slug}/daftar-hadir.xlsx")
    by_name = {row[header.index("Nama")].value: row for row in rows}
    arrived = by_name["Ani Wulandari, S.E."][header.index("Waktu hadir")].value
    assert abs(datetime.combine(now.date(), arrived) - now.replace(tzinfo=None)) < timedelta(
        minutes=2
    )
    assert by_name["Citra Dewi, A.Md.Kep."][header.index("Status")].value is None


def test_title_rows_and_a_readable_sheet_name(make_event, make_session, roll, login_as):
    event = make_event(
        start=to_zone(utcnow()).date() + timedelta(days=10),
        title="Retret Kepemimpinan ASN Pemerintah Kota Batu 2026",
        venue="Kawasan Akademi Militer, Magelang",
    )
    session = make_session(event, "13:00", "15:30", takes_attendance=True, title="Pembekalan")
    roll(event)
    organiser = login_as("organiser")
    sheet, titles, header, _rows = _xlsx(organiser, f"/events/{event.slug}/daftar-hadir.xlsx")
    assert titles[0] == "DAFTAR HADIR"
    assert titles[1] == "Acara: Retret Kepemimpinan ASN Pemerintah Kota Batu 2026"
    assert re.fullmatch(r"Hari/tanggal: [A-Z][a-z]+, \d{1,2} [A-Z][a-z]+ \d{4}", titles[2])
    assert "Tempat: Kawasan Akademi Militer, Magelang" in titles
    assert "Pukul: 13.00–15.30 WIB" in titles
    assert re.fullmatch(r"Daftar hadir \d{1,2} [A-Z][a-z]{2} \d{4}", sheet.title)
    assert {"No", "Nama", "NIP", "Jabatan", "OPD", "Waktu hadir", "Status"} <= set(header)

    per_session = f"/events/{event.slug}/daftar-hadir.xlsx?session={session.id}"
    sheet, titles, _h, _r = _xlsx(organiser, per_session)
    assert "Sesi: Pembekalan" in titles
    assert sheet.title.endswith("Pembekalan") and len(sheet.title) <= 31


def test_the_signature_column_alternates_odd_left_even_right(make_event, roll, login_as):
    event = make_event(start=to_zone(utcnow()).date() + timedelta(days=10))
    roll(event)
    data = _pdf(login_as("organiser"), f"/events/{event.slug}/daftar-hadir.pdf")
    page = PdfReader(io.BytesIO(data)).pages[0]
    width = float(page.mediabox.width)
    seen: list[tuple[int, float]] = []

    def visit(text, cm, tm, _font, _size):
        if re.fullmatch(r"\d+\.", text.strip()):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            seen.append((int(text.strip()[:-1]), x))

    page.extract_text(visitor_text=visit)
    # Each number is printed twice: in the No column and in the signature column (right).
    signature = {n: x for n, x in seen if x > width * 0.6}
    assert sorted(signature) == list(range(1, len(EXPECTED) + 1))
    middle = (min(signature.values()) + max(signature.values())) / 2
    assert all((x < middle) == (n % 2 == 1) for n, x in signature.items())


def test_closing_block_names_the_organising_units_head_or_leaves_lines(
    make_event, roll, city, login_as
):
    future = to_zone(utcnow()).date() + timedelta(days=10)
    signed = make_event(start=future, organiser_opd_id=city.bagorg.id)
    roll(signed)
    organiser = login_as("organiser")
    text = _text(_pdf(organiser, f"/events/{signed.slug}/daftar-hadir.pdf"))
    closing = text.rsplit("diharapkan hadir", 1)[1]
    assert "Kepala Bagian Organisasi," in closing
    assert "Dr. Ir. Sopa Ike Paci, M.Si." in closing
    assert "NIP. 19721103 199603 2 008" in closing

    unsigned = make_event(start=future)
    text = _text(_pdf(organiser, f"/events/{unsigned.slug}/daftar-hadir.pdf"))
    assert "Panitia," in text and "NIP. ....." in text
    assert "Belum ada peserta terdaftar." in text


def test_no_iso_date_in_the_pdf_and_english_has_no_indonesian_labels(
    make_event, make_session, roll, check_in, login_as
):
    event = make_event(start=to_zone(utcnow()).date() - timedelta(days=2))
    session = make_session(event, "09:00", "10:00", takes_attendance=True)
    people = roll(event)
    check_in(people["Ani Wulandari, S.E."], session, _at(event, "09:05"))
    organiser = login_as("organiser")
    for url in (
        f"/events/{event.slug}/daftar-hadir.pdf",
        f"/events/{event.slug}/daftar-hadir.pdf?session={session.id}",
    ):
        text = _text(_pdf(organiser, url))
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)

    organiser.user.locale = "en"
    db.session.merge(organiser.user)
    db.session.commit()
    text = _text(_pdf(organiser, f"/events/{event.slug}/daftar-hadir.pdf"))
    assert "ATTENDANCE LIST" in text and "Signature" in text
    for label in ("DAFTAR HADIR", "Nama", "Jabatan", "Tanda tangan", "Keterangan", "Hari/tanggal"):
        assert label not in text
    assert "Tidak hadir" not in text and "Absent" in text
    _s, titles, header, _rows = _xlsx(organiser, f"/events/{event.slug}/daftar-hadir.xlsx")
    assert not {"Nama", "Waktu hadir", "Jabatan", "Keterangan"} & set(header)
    assert titles[0] == "ATTENDANCE LIST"


def test_bad_scope_is_not_found_and_operators_cannot_print(make_event, make_session, login_as):
    event = make_event()
    other = make_session(make_event(), takes_attendance=True)
    organiser = login_as("organiser")
    for query in ("day=1999-01-01", "day=27-12-2026", f"session={other.id}"):
        assert organiser.get(f"/events/{event.slug}/daftar-hadir.xlsx?{query}").status_code == 404
    assert organiser.get(f"/events/{event.slug}/daftar-hadir.csv").status_code == 404
    assert login_as("operator").get(f"/events/{event.slug}/daftar-hadir.pdf").status_code == 403


def test_the_lists_cost_a_constant_number_of_queries(
    make_event, make_session, city, make_person, make_registration, login_as, count_queries
):
    event = make_event(start=to_zone(utcnow()).date() - timedelta(days=1))
    make_session(event, "09:00", "10:00", takes_attendance=True)
    organiser = login_as("organiser")
    counts = []
    for size in (3, 30):
        for _ in range(size):
            head = make_registration(
                event,
                make_person(level="jpt_pratama", opd=city.dinkes, head="plt"),
                status="delegated",
            )
            make_registration(
                event, make_person(level="non_asn"), status="confirmed", delegate_of_id=head.id
            )
            make_registration(event, make_person(opd=city.bagorg), status="invited")
        db.session.expire_all()
        measured = []
        for url in ("daftar-hadir.pdf", "daftar-hadir.xlsx", "attendance/list"):
            with count_queries() as counter:
                assert organiser.get(f"/events/{event.slug}/{url}").status_code == 200
            measured.append(counter.count)
        counts.append(measured)
    assert counts[0] == counts[1]
    assert db.session.scalar(select(db.func.count(Registration.id))) == 99


def test_names_are_ordered_without_their_titles_but_keep_their_initials():
    from participants.names import bare_name

    assert bare_name("Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.") == "Zudan Arif Fakrulloh"
    assert bare_name("dr. Zainal Abidin, M.Kes.") == "Zainal Abidin"
    assert bare_name("Hj. Siti Aminah") == "Siti Aminah"
    assert bare_name("K.H. Ahmad Dahlan") == "Ahmad Dahlan"
    assert bare_name("Drs.Budi Santoso") == "Budi Santoso"
    assert bare_name("M. Yusuf, S.T.") == "M. Yusuf"  # an initial, not a title
    assert bare_name("Dr.") == "Dr."  # nothing left: the name as written


def test_times_are_in_the_events_zone(make_event, make_session, roll, check_in, login_as):
    event = make_event(start=to_zone(utcnow()).date() - timedelta(days=2), timezone="Asia/Makassar")
    session = make_session(event, "09:00", "10:00", takes_attendance=True)
    people = roll(event)
    check_in(people["Ani Wulandari, S.E."], session, _at(event, "09:05"))
    organiser = login_as("organiser")
    _s, titles, header, rows = _xlsx(organiser, f"/events/{event.slug}/daftar-hadir.xlsx")
    assert "Waktu hadir dalam WITA" in titles and "Pukul: 09.00–10.00 WITA" in titles
    at = {r[header.index("Nama")].value: r[header.index("Waktu hadir")].value for r in rows}
    assert at["Ani Wulandari, S.E."] == time(9, 5)
    text = " ".join(_text(_pdf(organiser, f"/events/{event.slug}/daftar-hadir.pdf")).split())
    assert "Waktu hadir (WITA)" in text and "09.05" in text
