import io
import os
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from app.audit.models import AuditEntry
from app.extensions import db
from participants.models import Person

from .conftest import (
    HEADER,
    VALID_NIP,
    confirm,
    csv_bytes,
    nip_for,
    preview_form,
    preview_page,
    xlsx_bytes,
)


def _people():
    return {p.name: p for p in db.session.scalars(select(Person))}


def _audit_count(object_type):
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == object_type)
    )


@pytest.fixture(autouse=True)
def _empty_staging(app):
    """Every test here starts without waiting previews (the upload folder is per session)."""
    shutil.rmtree(os.path.join(app.config["UPLOAD_FOLDER"], "staging"), ignore_errors=True)


def _staged(app) -> list[str]:
    """Paths of the people-import previews waiting for confirmation."""
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "staging", "import-people")
    if not os.path.isdir(folder):
        return []
    return [os.path.join(folder, name) for name in os.listdir(folder) if "." not in name]


def test_xlsx_import_shows_a_preview_and_writes_only_on_confirm(app, login_as, make_opd, upload):
    organiser = login_as("organiser")
    kominfo = make_opd("DISKOMINFO")
    content = xlsx_bytes(
        [
            HEADER,
            [
                "19860926 201505 1 001",
                "Dr. Ir. Sopa Ike Paci, M.Si.",
                "Kepala Bagian Organisasi",
                "Administrator",
                "iv/b",
                "diskominfo",
                "Sopa@Example.go.id",
                "0341-512345",
                "",
            ],
            ["197503121999031004", "Budi Santoso, S.Kom.", "Pranata Komputer", "fungsional",
             "III/c", "DISKOMINFO", "", "", ""],
            ["", "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.", "Kepala BKN", "", "", "", "", "",
             "Badan Kepegawaian Negara"],
        ]
    )  # fmt: skip
    response = upload(organiser, "pejabat.xlsx", content)
    assert response.status_code == 302 and "/people/import/preview?token=" in response.location

    # The parsed rows wait on disk (outside the web root) under the random token of the URL.
    [staged] = _staged(app)
    assert response.location.endswith(os.path.basename(staged))
    with open(staged, encoding="utf-8") as handle:
        assert "Sopa Ike Paci" in handle.read()

    page = preview_page(organiser)
    assert "Akan dibuat" in page and "Sopa Ike Paci" in page and "Zudan Arif" in page
    assert "19860926 201505 1 001" in page
    assert _people() == {}  # nothing written by the preview

    response = confirm(organiser)
    assert response.status_code == 302
    assert "3 orang baru, 0 diperbarui" in organiser.get("/people/").get_data(as_text=True)
    people = _people()
    sopa = people["Dr. Ir. Sopa Ike Paci, M.Si."]
    assert (sopa.nip, sopa.level, sopa.golongan) == (VALID_NIP, "administrator", "IV/b")
    assert sopa.opd_id == kominfo.id and sopa.email == "sopa@example.go.id"
    zudan = people["Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H."]
    assert zudan.nip is None and zudan.level == "non_asn" and zudan.opd_id is None
    assert zudan.institution == "Badan Kepegawaian Negara"

    # One audit entry for the whole import, none per row; the staged file is gone.
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "PeopleImport"))
    assert entry.action == "import" and entry.user_id == organiser.user.id
    assert entry.changes["dibuat"] == [None, 3] and entry.changes["berkas"] == [
        None,
        "pejabat.xlsx",
    ]
    assert _audit_count("Person") == 0
    assert not os.path.exists(staged) and _staged(app) == []


def test_csv_with_semicolons_and_eselon_codes_imports(login_as, make_opd, upload):
    admin = login_as("admin")
    make_opd("KEC-BATU")
    content = csv_bytes(
        [
            ["NIP", "Nama", "Jabatan", "Eselon", "Golongan", "Kode_OPD"],
            ["19860926.201505.2.001", "Siti Rahmawati, S.STP., M.Si.", "Camat Batu", "III.a",
             "III/d", "KEC-BATU"],
            ["197001012000031002", "Drs. Bambang Suharto, M.AP.", "Sekretaris Daerah", "II.a",
             "IV/d", ""],
        ],
        delimiter=";",
    )  # fmt: skip
    assert upload(admin, "pejabat.csv", content).status_code == 302
    assert confirm(admin).status_code == 302
    people = _people()
    assert people["Siti Rahmawati, S.STP., M.Si."].level == "administrator"
    assert people["Drs. Bambang Suharto, M.AP."].level == "jpt_pratama"


def test_bad_rows_are_listed_with_row_numbers_and_nothing_changes(
    login_as, make_opd, make_person, upload
):
    admin = login_as("admin")
    make_opd("DINKES")
    make_person("Sudah Ada, S.E.", nip="197503121999031004")
    content = xlsx_bytes(
        [
            HEADER,
            ["198609262015051001", "Baris Baik, S.E.", "", "pengawas", "", "DINKES",
             "baik@example.go.id", "", ""],
            ["198609262015053001", "Digit Salah", "", "pengawas", "", "", "", "", ""],
            ["198609262015052002", "OPD Salah", "", "pengawas", "", "DINAS-X", "", "", ""],
            ["19860926 201505 1 001", "NIP Ganda", "", "pengawas", "", "", "", "", ""],
            ["198609262015052003", "Email Ganda", "", "pengawas", "", "", "BAIK@example.go.id",
             "", ""],
            ["198609262015052004", "", "Tanpa nama", "pengawas", "", "", "", "", ""],
            ["19860926201505", "NIP Pendek", "", "pengawas", "", "", "", "", ""],
            ["198609262015052005", "Level Aneh", "", "kepala", "V/z", "", "", "", ""],
            ["197503121999031004", "Sudah Ada, S.E.", "", "", "", "", "baik@example.go.id",
             "", ""],
        ]
    )  # fmt: skip
    assert upload(admin, "pejabat.xlsx", content).status_code == 302
    page = preview_page(admin)
    assert "tidak ada data yang diubah" in page
    assert "<td>3</td><td>Digit jenis kelamin pada NIP (digit ke-15) harus 1 atau 2" in page
    assert "<td>4</td><td>kode OPD DINAS-X tidak ditemukan" in page
    assert "<td>5</td><td>NIP 19860926 201505 1 001 ganda (juga di baris 2)" in page
    assert "<td>6</td><td>e-mail baik@example.go.id ganda (juga di baris 2)" in page
    assert "<td>7</td><td>nama wajib diisi" in page
    assert "<td>8</td><td>NIP harus 18 digit, bukan 14 digit" in page
    assert "<td>9</td><td>level kepala tidak dikenal" in page
    assert "<td>9</td><td>golongan V/z tidak dikenal" in page
    assert "<td>10</td><td>e-mail baik@example.go.id ganda (juga di baris 2)" in page
    assert "<td>2</td>" not in page  # the good row is not reported
    assert "/people/import/confirm" not in page  # no button to go ahead

    # Even a forced confirm writes nothing.
    token = admin.preview_url.rsplit("=", 1)[1]
    response = admin.submit("/people/import/confirm", {"token": token, "expected": "1-0-0"})
    assert response.status_code == 422
    assert set(_people()) == {"Sudah Ada, S.E."}
    assert _audit_count("PeopleImport") == 0


def test_reimport_updates_by_nip_then_by_email(login_as, make_opd, make_person, upload):
    organiser = login_as("organiser")
    dinkes, dinsos = make_opd("DINKES"), make_opd("DINSOS")
    by_nip = make_person("Heru Prasetyo, S.T.", nip=VALID_NIP, position="Kepala Bidang", opd=dinkes)
    by_email = make_person("Sri Wahyuni", email="sri@example.go.id", level="non_asn")
    same = make_person("Tetap Sama, S.E.", nip="197503121999031004", position="Sekretaris",
                       golongan="IV/a", opd=dinkes, email="tetap@example.go.id")  # fmt: skip
    content = csv_bytes(
        [
            HEADER,
            ["19860926 201505 1 001", "Heru Prasetyo, S.T., M.T.", "Sekretaris Dinas Sosial",
             "administrator", "IV/a", "DINSOS", "", "", ""],
            ["198001012005032001", "Sri Wahyuni, S.E.", "Kepala Bidang", "pengawas", "III/d",
             "DINSOS", "SRI@example.go.id", "", ""],
            ["197503121999031004", "Tetap Sama, S.E.", "Sekretaris", "administrator", "IV/a",
             "DINKES", "tetap@example.go.id", "", ""],
            ["198101012006041001", "Orang Baru", "Lurah", "pengawas", "III/c", "", "", "", ""],
        ]
    )  # fmt: skip
    assert upload(organiser, "ulang.csv", content).status_code == 302
    page = preview_page(organiser)
    assert "Akan diperbarui" in page
    assert "Sekretaris Dinas Sosial" in page and "DINKES" in page and "DINSOS" in page
    assert confirm(organiser).status_code == 302
    assert "1 orang baru, 2 diperbarui, 1 tidak berubah" in organiser.get("/people/").get_data(
        as_text=True
    )
    db.session.expire_all()
    assert (by_nip.name, by_nip.position, by_nip.opd_id) == (
        "Heru Prasetyo, S.T., M.T.",
        "Sekretaris Dinas Sosial",
        dinsos.id,
    )
    assert by_nip.email is None  # an empty e-mail cell never erases one
    assert (by_email.nip, by_email.name, by_email.level) == (
        "198001012005032001",
        "Sri Wahyuni, S.E.",
        "pengawas",
    )
    assert same.position == "Sekretaris"
    assert db.session.scalar(select(func.count()).select_from(Person)) == 4


def test_a_row_whose_nip_and_email_belong_to_two_people_is_refused(login_as, make_person, upload):
    admin = login_as("admin")
    make_person("Pemilik NIP", nip=VALID_NIP)
    make_person("Pemilik Email", email="dua@example.go.id")
    content = csv_bytes(
        [HEADER, [VALID_NIP, "Campuran", "", "pengawas", "", "", "dua@example.go.id", "", ""]]
    )
    upload(admin, "x.csv", content)
    page = preview_page(admin)
    assert "<td>2</td><td>e-mail dua@example.go.id sudah dipakai Pemilik Email" in page


def test_wrong_file_types_are_refused_with_a_clear_message(app, login_as, upload):
    admin = login_as("admin")
    # The content decides, not the name: a PDF or a web page called .csv/.xlsx is refused.
    for name, content in [
        ("pejabat.pdf", b"%PDF-1.4 ..."),
        ("pejabat.csv", b"%PDF-1.4 ..."),
        ("pejabat.xlsx", b"<html><script>alert(1)</script></html>"),
        ("pejabat.xlsx", b"MZ\x90\x00\x03\x00"),
    ]:
        page = upload(admin, name, content).get_data(as_text=True)
        assert "Jenis berkas tidak didukung. Unggah berkas XLSX, CSV." in page, name
    page = upload(admin, "pejabat.csv", b"jabatan,email\nKepala,a@b.c\n").get_data(as_text=True)
    assert "Kolom wajib tidak ada: nip, nama" in page
    page = upload(admin, "pejabat.csv", b"nip,nama\n").get_data(as_text=True)
    assert "Berkas tidak berisi baris data" in page
    assert _staged(app) == []
    assert _people() == {}


def test_preview_and_confirm_without_an_upload_send_you_to_the_upload_page(login_as):
    admin = login_as("admin")
    response = admin.get("/people/import/preview", follow_redirects=True)
    assert "Tidak ada pratinjau impor yang menunggu" in response.get_data(as_text=True)
    response = admin.submit("/people/import/confirm")
    assert response.status_code == 302 and response.location.endswith("/people/import")


def test_cancel_discards_the_uploaded_file(app, login_as, upload):
    admin = login_as("admin")
    upload(admin, "p.csv", csv_bytes([HEADER, ["", "Tamu", "", "", "", "", "", "", ""]]))
    [staged] = _staged(app)
    admin.submit("/people/import/cancel", {"token": admin.preview_url.rsplit("=", 1)[1]})
    assert not os.path.exists(staged) and _staged(app) == []
    assert _people() == {}


def test_export_opens_in_openpyxl_and_imports_back_unchanged(
    login_as, make_opd, make_person, upload
):
    organiser = login_as("organiser")
    opd = make_opd("BAPPEDA")
    make_person(
        "Dr. Anik Lestari, S.E., M.M.",
        nip=VALID_NIP,
        opd=opd,
        email="anik@example.go.id",
        head="definitif",
    )
    make_person("Tamu Mitra", level="non_asn", institution="Universitas Brawijaya")

    sheet = load_workbook(io.BytesIO(organiser.get("/people/export.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    assert [
        "19860926 201505 1 001",
        "Dr. Anik Lestari, S.E., M.M.",
        "Kepala Bidang",
        "administrator",
        "IV/a",
        "BAPPEDA",
        "anik@example.go.id",
        None,
        None,
        "definitif",
    ] in rows

    content = organiser.get("/people/export.csv?q=anik").data
    assert content.decode("utf-8-sig").count("\n") == 2  # header + the one match
    upload(organiser, "pejabat.xlsx", organiser.get("/people/export.xlsx").data)
    page = preview_page(organiser)
    assert "Akan dibuat" not in page and "Akan diperbarui" not in page
    assert "Simpan 0 perubahan" in page


def test_template_downloads_and_imports_once_its_opds_exist(login_as, make_opd, upload):
    admin = login_as("admin")
    sheet = load_workbook(io.BytesIO(admin.get("/people/template.xlsx").data)).active
    assert [c.value for c in sheet[1]] == HEADER
    csv_template = admin.get("/people/template.csv").data
    assert csv_template.decode("utf-8-sig").splitlines()[0] == ",".join(HEADER)
    make_opd("DISKOMINFO")
    make_opd("KEC-BATU")
    upload(admin, "templat.csv", csv_template)
    assert confirm(admin).status_code == 302
    assert len(_people()) == 3


def test_a_file_above_the_row_limit_is_refused_before_any_checking(app, login_as, upload):
    admin = login_as("admin")
    rows = [HEADER] + [["", f"Tamu {n}", "", "", "", "", "", "", ""] for n in range(20_001)]
    page = upload(admin, "besar.csv", csv_bytes(rows)).get_data(as_text=True)
    assert "Berkas berisi 20.001 baris; paling banyak 20.000 baris per impor" in page
    assert _staged(app) == []


def test_each_preview_saves_what_it_showed_and_only_once(login_as, upload):
    admin = login_as("admin")
    upload(admin, "a.csv", csv_bytes([HEADER, ["", "Tamu A", "", "", "", "", "", "", ""]]))
    first_preview = preview_form(admin)
    upload(admin, "b.csv", csv_bytes([HEADER, ["", "Tamu B", "", "", "", "", "", "", ""]]))
    # Another tab uploaded b.csv meanwhile: the first tab's button still saves a.csv, which
    # is what that page showed, and b.csv waits for its own confirmation.
    assert confirm(admin, first_preview).status_code == 302
    assert set(_people()) == {"Tamu A"}
    again = confirm(admin, first_preview)  # a double click, the back button
    assert again.status_code == 302 and again.location.endswith("/people/import")
    assert "Impor ini sudah disimpan" in admin.get(again.location).get_data(as_text=True)
    assert set(_people()) == {"Tamu A"}
    assert confirm(admin).status_code == 302
    assert set(_people()) == {"Tamu A", "Tamu B"}


def test_confirm_shows_the_preview_again_when_the_directory_changed_meanwhile(
    login_as, make_person, upload
):
    admin = login_as("admin")
    upload(
        admin, "p.csv", csv_bytes([HEADER, [VALID_NIP, "Baru, S.E.", "", "pengawas"] + [""] * 5])
    )
    form = preview_form(admin)
    make_person("Sudah Dibuat Orang Lain", nip=VALID_NIP)  # 1 new became 1 update
    response = confirm(admin, form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Data berubah sejak pratinjau ditampilkan" in page and "Akan diperbarui" in page
    assert set(_people()) == {"Sudah Dibuat Orang Lain"}
    assert confirm(admin).status_code == 302
    assert set(_people()) == {"Baru, S.E."}


def _fail_inserts_of(name: str):
    """Make the database itself refuse one row (as a full disk or a lost connection would),
    so an import breaks half-way through its writes."""
    if db.engine.dialect.name == "sqlite":
        statements = [
            "CREATE TRIGGER fail_half_way BEFORE INSERT ON person "
            f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ]
        undo = ["DROP TRIGGER fail_half_way"]
    else:
        statements = [
            "CREATE FUNCTION fail_half_way() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.name = '{name}' THEN RAISE EXCEPTION 'disk full'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER fail_half_way BEFORE INSERT ON person "
            "FOR EACH ROW EXECUTE FUNCTION fail_half_way()",
        ]
        undo = ["DROP TRIGGER fail_half_way ON person", "DROP FUNCTION fail_half_way()"]
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    return undo


def test_an_import_that_fails_half_way_leaves_nothing_and_can_be_confirmed_again(
    app, login_as, make_opd, upload, monkeypatch
):
    organiser = login_as("organiser")
    make_opd("DISKOMINFO")
    rows = [
        [nip_for(n), f"Pegawai Impor {n:03d}", "Analis", "fungsional", "III/a", "DISKOMINFO",
         f"impor{n}@test.example", "", ""]
        for n in range(200)
    ]  # fmt: skip
    assert upload(organiser, "pejabat.xlsx", xlsx_bytes([HEADER, *rows])).status_code == 302
    people, audits = len(_people()), _audit_count("person")
    undo = _fail_inserts_of("Pegawai Impor 150")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # the production error page
    try:
        response = confirm(organiser)
    finally:
        for statement in undo:
            db.session.execute(text(statement))
        db.session.commit()
    assert response.status_code == 500
    db.session.remove()
    assert len(_people()) == people and _audit_count("person") == audits
    # The uploaded file still waits: once the fault is gone the same preview saves everything.
    assert len(_staged(app)) == 1
    assert confirm(organiser).status_code == 302
    assert len(_people()) == people + 200
