import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from participants.models import Person

from .conftest import VALID_NIP

FORM = {
    "nip": "19860926 201505 1 001",
    "name": "Aries Agung Paewai, S.STP., M.Si.",
    "position": "Kepala Dinas Komunikasi dan Informatika",
    "level": "jpt_pratama",
    "golongan": "IV/c",
    "opd_id": "0",
    "institution": "",
    "email": "Aries@Example.go.id",
    "phone": "0341-512345",
    "active": "y",
}


def _count():
    return db.session.scalar(select(func.count()).select_from(Person))


def test_organiser_adds_an_official_and_sees_the_nip_formatted(login_as, make_opd):
    organiser = login_as("organiser")
    opd = make_opd("DISKOMINFO", short_name="Diskominfo")
    response = organiser.submit("/people/new", FORM | {"opd_id": str(opd.id)})
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert person.nip == VALID_NIP and person.email == "aries@example.go.id"
    assert person.opd_id == opd.id and person.level == "jpt_pratama"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "Person"))
    assert entry.action == "create" and entry.user_id == organiser.user.id

    page = organiser.get("/people/").get_data(as_text=True)
    assert "19860926 201505 1 001" in page
    assert "Aries Agung Paewai, S.STP., M.Si." in page and "Diskominfo" in page


def test_bad_nip_on_the_form_says_what_is_wrong_and_saves_nothing(login_as):
    admin = login_as("admin")
    page = admin.submit("/people/new", FORM | {"nip": "198609262015053001"}).get_data(as_text=True)
    assert "Digit jenis kelamin pada NIP (digit ke-15) harus 1 atau 2" in page
    page = admin.submit("/people/new", FORM | {"nip": "1986092620150510"}).get_data(as_text=True)
    assert "NIP harus 18 digit, bukan 16 digit" in page
    assert _count() == 0


def test_a_guest_without_nip_can_be_added(login_as):
    admin = login_as("admin")
    response = admin.submit(
        "/people/new",
        FORM
        | {
            "nip": "",
            "name": "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
            "position": "Kepala BKN",
            "level": "non_asn",
            "golongan": "",
            "institution": "Badan Kepegawaian Negara",
            "email": "",
        },
    )
    assert response.status_code == 302
    guest = db.session.scalar(select(Person))
    assert guest.nip is None and guest.email is None and guest.opd_id is None
    assert "Badan Kepegawaian Negara" in admin.get("/people/?q=zudan").get_data(as_text=True)


def test_duplicate_nip_or_email_is_refused_with_the_owner_named(login_as, make_person):
    admin = login_as("admin")
    make_person("Sri Wahyuni, S.E.", nip=VALID_NIP, email="sri@example.go.id")
    page = admin.submit("/people/new", FORM).get_data(as_text=True)
    assert "NIP 19860926 201505 1 001 sudah terdaftar (Sri Wahyuni, S.E.)." in page
    page = admin.submit("/people/new", FORM | {"nip": "", "email": "SRI@example.go.id"}).get_data(
        as_text=True
    )
    assert "Email sri@example.go.id sudah dipakai (Sri Wahyuni, S.E.)." in page
    assert _count() == 1


def test_edit_shows_the_nip_formatted_and_records_what_changed(login_as, make_person):
    admin = login_as("admin")
    person = make_person("Budi Santoso, S.T.", nip=VALID_NIP, position="Sekretaris")
    page = admin.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="19860926 201505 1 001"' in page
    response = admin.submit(
        f"/people/{person.id}/edit",
        FORM | {"name": "Budi Santoso, S.T., M.T.", "email": "", "position": "Sekretaris"},
    )
    assert response.status_code == 302
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_id == person.id).order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.action == "update"
    assert entry.changes["name"] == ["Budi Santoso, S.T.", "Budi Santoso, S.T., M.T."]


def test_deactivated_people_leave_the_default_list_but_can_be_found(login_as, make_person):
    admin = login_as("admin")
    person = make_person("Endang Rahayu, S.Sos.")
    row_link = f"/people/{person.id}/edit"
    admin.submit(f"/people/{person.id}/active")
    db.session.refresh(person)
    assert person.active is False
    assert row_link not in admin.get("/people/").get_data(as_text=True)
    assert row_link in admin.get("/people/?status=inactive").get_data(as_text=True)
    admin.submit(f"/people/{person.id}/active")
    db.session.refresh(person)
    assert person.active is True


def test_search_finds_by_name_nip_position_and_opd_and_filters_narrow(
    login_as, make_person, make_opd
):
    viewer = login_as("viewer")
    dinkes = make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    bappeda = make_opd("BAPPEDA", name="Badan Perencanaan Pembangunan Daerah")
    make_person("dr. Siti Nurhayati, M.Kes.", nip=VALID_NIP, opd=dinkes, level="jpt_pratama")
    make_person("Heru Prasetyo, S.T.", opd=bappeda, position="Kepala Bidang Infrastruktur")
    make_person("Lurah Tanpa OPD", level="pengawas", position="Lurah Sisir")

    def names(query):
        page = viewer.get(f"/people/?{query}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        return {n for n in ("Siti Nurhayati", "Heru Prasetyo", "Lurah Tanpa OPD") if n in text}

    assert names("q=nurhayati") == {"Siti Nurhayati"}
    assert names("q=19860926+201505") == {"Siti Nurhayati"}
    assert names("q=infrastruktur") == {"Heru Prasetyo"}
    assert names("q=perencanaan") == {"Heru Prasetyo"}  # OPD name
    assert names("q=dinkes") == {"Siti Nurhayati"}  # OPD code
    assert names(f"opd={bappeda.id}") == {"Heru Prasetyo"}
    assert names("level=pengawas") == {"Lurah Tanpa OPD"}
    assert names("q=100%25") == set()  # a literal % matches nothing rather than everything


@pytest.mark.parametrize("role", ["opd", "viewer", "operator"])
def test_only_organisers_and_admins_manage_the_directory(role, login_as, make_person):
    person = make_person()
    client = login_as(role)
    for url in [
        "/people/new",
        f"/people/{person.id}/edit",
        "/people/import",
        "/people/import/preview",
        "/people/template.xlsx",
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        "/people/new",
        f"/people/{person.id}/active",
        "/people/import",
        "/people/import/confirm",
    ]:
        assert client.submit(url, {}).status_code == 403, url
    db.session.refresh(person)
    assert person.active is True
    expected = 200 if role == "viewer" else 403  # the pimpinan may read the directory
    assert client.get("/people/").status_code == expected
    assert client.get("/people/export.csv").status_code == expected


def test_directory_menu_entry_is_shown_to_those_who_may_read_it(login_as):
    assert 'href="/people/"' in login_as("viewer").get("/").get_data(as_text=True)
    assert 'href="/people/"' not in login_as("operator").get("/").get_data(as_text=True)


def test_directory_list_runs_the_same_number_of_queries_for_20_and_300_people(
    login_as, make_opd, bulk_people, count_queries
):
    organiser = login_as("organiser")
    opds = [make_opd() for _ in range(3)]
    for i, opd in enumerate(opds):
        bulk_people(7 if i < 2 else 6, opd, start=i * 100)
    with count_queries() as few:
        assert organiser.get("/people/").status_code == 200
    assert _count() == 20
    bulk_people(280, opds[0], start=1000)
    assert _count() == 300
    with count_queries() as many:
        page = organiser.get("/people/")
        assert page.status_code == 200
    assert "dari 300" in page.get_data(as_text=True)
    assert many.count == few.count
    url = f"/people/?q=pegawai&opd={opds[0].id}&page=3"
    with count_queries() as filtered:
        assert organiser.get(url).status_code == 200
    assert filtered.count == few.count
