"""Heads of OPD are named in the registry, never inferred from a level (issue 15): the form has
no preselected level, the heads rule invites only recorded heads (acting ones included, printed
"Plt. …"), an OPD without a head is listed on the invitation page, the import sets heads."""

import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from app.demo import seed_opds
from app.extensions import db
from app.opds.models import Opd
from participants.demo import seed_people
from participants.models import OpdHead, Person, Registration

from .conftest import HEADER, VALID_NIP, confirm, preview_form, xlsx_bytes


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def form_defaults(html: str) -> dict:
    """What a browser would post for an untouched form: inputs' values, selects' selected
    (else first) option."""
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        values = re.findall(r'<option([^>]*)value="([^"]*)"', options)
        chosen = [value for attrs, value in values if "selected" in attrs]
        data[name] = chosen[0] if chosen else values[0][1]
    return data


def invite_heads(client, slug):
    return client.post(
        f"/manage/events/{slug}/registrations/invite/rule",
        data={"rule-csrf_token": client.csrf_token(), "rule-rule": "heads", "rule-role": "peserta"},
    )


def invited_names(event) -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(Person.name)
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.event_id == event.id)
        )
    )


def test_a_person_saved_with_the_forms_defaults_is_never_invited_as_a_head(
    login_as, make_opd, make_event
):
    organiser = login_as("organiser")
    dinkes = make_opd("DINKES", name="Dinas Kesehatan")
    page = organiser.get("/people/new").get_data(as_text=True)
    defaults = form_defaults(page)
    assert defaults["level"] == ""  # no level is chosen for the organiser

    data = defaults | {"name": "Bagus Santoso, S.KM.", "position": "Kepala Seksi"}
    data["opd_id"] = str(dinkes.id)
    refused = organiser.post("/people/new", data=data)
    assert refused.status_code == 200
    assert "Pilih jenjang jabatan." in text_of(refused.get_data(as_text=True))
    assert db.session.scalar(select(Person).where(Person.name.like("Bagus%"))) is None

    # Even a JPT Pratama official is no head until the registry says so.
    saved = organiser.post("/people/new", data=data | {"level": "jpt_pratama"})
    assert saved.status_code == 302
    event = make_event("sm-iv")
    invite_heads(organiser, "sm-iv")
    assert invited_names(event) == set()
    page = text_of(organiser.get("/manage/events/sm-iv/registrations/invite").get_data(True))
    assert "1 OPD tanpa kepala tercatat, tidak ikut diundang" in page
    assert "Dinas Kesehatan" in page


def test_an_acting_head_is_invited_and_printed_with_plt(
    login_as, make_opd, make_person, make_event
):
    organiser = login_as("organiser")
    dispora = make_opd("DISPORA", name="Dinas Kepemudaan dan Olahraga", short_name="Dispora")
    secretary = make_person(
        "Eko Yulianto, S.Pd.", opd=dispora, position="Sekretaris Dinas Kepemudaan dan Olahraga"
    )
    make_person("Rina Wati, S.E.", opd=dispora, position="Kepala Subbagian Umum", level="pengawas")
    form = organiser.get(f"/people/heads/{dispora.id}").get_data(as_text=True)
    assert "Eko Yulianto" in form and "Kepala Dinas Kepemudaan dan Olahraga" in form
    response = organiser.submit(
        f"/people/heads/{dispora.id}",
        {"person_id": str(secretary.id), "capacity": "plt", "title": "", "since": "2026-09-01"},
    )
    assert response.status_code == 302
    listing = text_of(organiser.get("/people/heads").get_data(as_text=True))
    assert "Plt. Kepala Dinas Kepemudaan dan Olahraga" in listing

    event = make_event("sm-iv")
    invite_heads(organiser, "sm-iv")
    assert invited_names(event) == {"Eko Yulianto, S.Pd."}
    registrations = text_of(organiser.get("/manage/events/sm-iv/registrations/").get_data(True))
    assert "Plt. Kepala Dinas Kepemudaan dan Olahraga" in registrations

    badges = organiser.get("/events/sm-iv/badges.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(badges.data)).pages)
    assert "Plt. Kepala Dinas" in re.sub(r"\s+", " ", text)
    letter = organiser.get(f"/manage/events/sm-iv/letters/opd/{dispora.id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.data)).pages)
    assert "Yth. Plt. Kepala Dinas Kepemudaan dan Olahraga" in re.sub(r"\s+", " ", text)


def test_naming_a_new_head_replaces_the_old_one_and_clearing_leaves_it_vacant(
    login_as, make_opd, make_person
):
    organiser = login_as("organiser")
    kec = make_opd("KEC-BATU", kind="kecamatan", name="Kecamatan Batu")
    old = make_person("Rizal Hakim, S.STP.", opd=kec, position="Camat Batu", head="definitif")
    new = make_person("Dewi Lestari, S.Sos.", nip=VALID_NIP, position="Asisten Pemerintahan")
    # Someone of another OPD, found by NIP (with spaces as printed on the ID card).
    response = organiser.submit(
        f"/people/heads/{kec.id}",
        {"person_id": "0", "nip": "19860926 201505 1 001", "capacity": "plh"},
    )
    assert response.status_code == 302
    head = db.session.scalar(select(OpdHead).where(OpdHead.opd_id == kec.id))
    assert (head.person_id, head.capacity, head.title_line) == (new.id, "plh", "Plh. Camat Batu")
    assert old.position_line == "Camat Batu"
    assert new.position_line == "Plh. Camat Batu"

    unknown = organiser.submit(
        f"/people/heads/{kec.id}", {"person_id": "0", "nip": "", "capacity": "definitif"}
    )
    assert "Pilih pejabat atau isi NIP-nya." in text_of(unknown.get_data(as_text=True))

    organiser.submit(f"/people/heads/{kec.id}/clear")
    assert db.session.scalar(select(OpdHead).where(OpdHead.opd_id == kec.id)) is None
    assert "Belum ada kepala" in organiser.get("/people/heads").get_data(as_text=True)


def test_a_viewer_sees_the_heads_but_cannot_name_one(login_as, make_opd, make_person):
    viewer = login_as("viewer")
    dinkes = make_opd("DINKES", name="Dinas Kesehatan")
    person = make_person(opd=dinkes)
    assert viewer.get("/people/heads").status_code == 200
    response = viewer.submit(
        f"/people/heads/{dinkes.id}", {"person_id": str(person.id), "capacity": "definitif"}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(OpdHead)) is None


def _row(nip, name, position, code, head):
    values = dict.fromkeys(HEADER, "")
    values |= {"nip": nip, "nama": name, "jabatan": position, "level": "administrator"}
    values |= {"kode_opd": code, "kepala_opd": head}
    return [values[column] for column in HEADER]


def test_the_import_names_heads_and_refuses_two_for_one_opd(login_as, make_opd, upload):
    organiser = login_as("organiser")
    dispora = make_opd("DISPORA", name="Dinas Kepemudaan dan Olahraga")
    rows = [
        HEADER,
        _row("19800101 200503 1 001", "Eko Yulianto", "Sekretaris Dinas", "DISPORA", "Plt."),
        _row("19800102 200503 1 001", "Rina Wati", "Kepala Subbagian", "DISPORA", "definitif"),
        _row("19800103 200503 1 001", "Budi", "Kepala Bidang", "DISPORA", "kadang"),
    ]
    response = upload(organiser, "pejabat.xlsx", xlsx_bytes(rows))
    page = text_of(organiser.get(response.location).get_data(as_text=True))
    assert "baris 2 juga menjadi kepala OPD yang sama" in page
    assert "kepala_opd kadang tidak dikenal" in page
    assert db.session.scalar(select(Person)) is None

    rows[2][HEADER.index("kepala_opd")] = ""
    response = upload(organiser, "pejabat.xlsx", xlsx_bytes(rows[:3]))
    preview = organiser.get(response.location).get_data(as_text=True)
    assert "Plt. (Pelaksana Tugas)" in text_of(preview)
    confirm(organiser, preview_form(organiser))
    head = db.session.scalar(select(OpdHead).where(OpdHead.opd_id == dispora.id))
    assert (head.person.name, head.capacity) == ("Eko Yulianto", "plt")

    # A re-import that names someone else replaces the head and says so on the preview.
    rows[2] = _row("19800102 200503 1 001", "Rina Wati", "Kepala Dinas", "DISPORA", "definitif")
    response = upload(organiser, "pejabat.xlsx", xlsx_bytes([HEADER, rows[2]]))
    preview = organiser.get(response.location).get_data(as_text=True)
    assert "Kepala OPD: ∅ → Kepala definitif" in text_of(preview)
    confirm(organiser, preview_form(organiser))
    db.session.expire_all()
    head = db.session.scalar(select(OpdHead).where(OpdHead.opd_id == dispora.id))
    assert (head.person.name, head.capacity) == ("Rina Wati", "definitif")


def test_the_demo_names_a_head_for_every_opd_and_two_acting_heads(app):
    seed_opds(print)
    seed_people(print)
    seed_people(print)  # idempotent: the same heads, nothing doubled
    heads = db.session.scalars(select(OpdHead)).all()
    acting = {h.opd.code: h.title_line for h in heads if h.capacity != "definitif"}
    assert acting == {
        "DISPORA": "Plt. Kepala Dinas Kepemudaan dan Olahraga",
        "KEL-NGAGLIK": "Plh. Lurah Ngaglik",
    }
    assert len(heads) == db.session.scalar(select(func.count()).select_from(Opd))
    setda = next(h for h in heads if h.opd.code == "SETDA")
    assert setda.person.position == "Sekretaris Daerah"


def test_counts_read_right_in_english(login_as, make_opd, make_person, make_event):
    organiser = login_as("organiser")
    organiser.user.locale = "en"
    db.session.commit()
    dinkes = make_opd("DINKES", name="Dinas Kesehatan")
    make_person("Sri Rahayu", opd=dinkes, position="Kepala Dinas Kesehatan", head="definitif")
    make_event("sm-iv")
    invited = invite_heads(organiser, "sm-iv")
    page = text_of(organiser.get(invited.location, follow_redirects=True).get_data(True))
    assert "1 person invited." in page and "1 people" not in page
    page = text_of(organiser.get("/manage/events/sm-iv/letter").get_data(as_text=True))
    assert "All OPDs in one PDF (1 letter)" in page and "1 official" in page
    assert "1 officials" not in page


def test_the_heads_page_runs_the_same_queries_for_3_or_30_heads(
    login_as, make_opd, make_person, count_queries
):
    viewer = login_as("viewer")

    def heads(start, count):
        for n in range(start, start + count):
            make_person(f"Kepala {n}", opd=make_opd(f"DINAS-{n}"), head="definitif")

    heads(0, 3)
    with count_queries() as few:
        assert viewer.get("/people/heads").status_code == 200
    heads(3, 27)
    with count_queries() as many:
        page = viewer.get("/people/heads").get_data(as_text=True)
    assert "Kepala 29" in page
    assert many.count == few.count
