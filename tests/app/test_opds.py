import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.opds.models import Opd


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, filename, content):
    """The upload form's POST, then (when it leads there) the preview page it leads to."""
    response = client.submit(
        "/opd/import",
        {"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    if response.status_code == 302 and "/opd/import/preview?token=" in response.location:
        return client.get(response.location)
    return response


def _confirm(client, preview):
    """Press "Simpan" on a preview page."""
    fields = dict(HIDDEN.findall(preview.get_data(as_text=True)))
    return client.post("/opd/import/confirm", data=fields)


HIDDEN = re.compile(r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"')


def _opd_count():
    return db.session.scalar(select(func.count()).select_from(Opd))


HEADER = ["kode", "nama", "singkatan", "jenis", "induk", "aktif"]


def test_admin_creates_edits_and_deactivates_an_opd(login_as):
    admin = login_as("admin")
    response = admin.submit(
        "/opd/new",
        {
            "code": "diskominfo",
            "name": "Dinas Komunikasi dan Informatika",
            "short_name": "Diskominfo",
            "kind": "dinas",
            "parent_id": "0",
            "active": "y",
        },
    )
    assert response.status_code == 302
    opd = db.session.scalar(select(Opd).where(Opd.code == "DISKOMINFO"))
    assert opd.short_name == "Diskominfo" and opd.active

    response = admin.submit(
        f"/opd/{opd.id}/edit",
        {
            "code": "DISKOMINFO",
            "name": "Dinas Kominfo",
            "short_name": "Diskominfo",
            "kind": "dinas",
            "parent_id": "0",
            "active": "y",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_id == opd.id).order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.action == "update"
    assert entry.changes == {"name": ["Dinas Komunikasi dan Informatika", "Dinas Kominfo"]}
    assert entry.user_id == admin.user.id

    admin.submit(f"/opd/{opd.id}/active")
    db.session.refresh(opd)
    assert opd.active is False
    assert "Nonaktif" in admin.get("/opd/?q=kominfo").get_data(as_text=True)


def test_duplicate_code_is_refused_with_a_message(login_as, make_opd):
    admin = login_as("admin")
    make_opd("BAPPEDA", name="Badan Perencanaan")
    response = admin.submit(
        "/opd/new", {"code": "BAPPEDA", "name": "Lain", "kind": "badan", "parent_id": "0"}
    )
    assert response.status_code == 200
    assert "Kode BAPPEDA sudah dipakai Badan Perencanaan" in response.get_data(as_text=True)
    assert _opd_count() == 1


def test_parent_cannot_be_a_descendant(login_as, make_opd):
    admin = login_as("admin")
    kecamatan = make_opd("KEC-A", kind="kecamatan")
    kelurahan = make_opd("KEL-A", kind="kelurahan", parent=kecamatan)
    response = admin.submit(
        f"/opd/{kecamatan.id}/edit",
        {
            "code": "KEC-A",
            "name": "Kec A",
            "kind": "kecamatan",
            "parent_id": str(kelurahan.id),
            "active": "y",
        },
    )
    assert "Induk tidak boleh OPD ini sendiri atau bawahannya" in response.get_data(as_text=True)
    db.session.refresh(kecamatan)
    assert kecamatan.parent_id is None


def test_import_xlsx_creates_and_updates_with_parents(login_as, make_opd):
    admin = login_as("admin")
    make_opd("SETDA", kind="sekretariat", name="Setda lama")
    content = _xlsx(
        [
            HEADER,
            ["BAG-ORG", "Bagian Organisasi", "Bag. Organisasi", "bagian", "SETDA", "ya"],
            ["SETDA", "Sekretariat Daerah", "Setda", "sekretariat", "", "ya"],
            ["KEL-SISIR", "Kelurahan Sisir", "Kel. Sisir", "kelurahan", "KEC-BATU", "ya"],
            ["KEC-BATU", "Kecamatan Batu", "Kec. Batu", "kecamatan", "", "tidak"],
        ]
    )
    preview = _upload(admin, "opd.xlsx", content)
    page = preview.get_data(as_text=True)
    assert "Akan dibuat" in page and "KEL-SISIR" in page and "Simpan 4 perubahan" in page
    assert _opd_count() == 1  # the preview changes nothing
    response = _confirm(admin, preview)
    assert response.status_code == 302
    assert "3 OPD baru, 1 diperbarui" in admin.get("/opd/").get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "OpdImport"))
    assert entry.user_id == admin.user.id and entry.changes["dibuat"] == [None, 3]
    by_code = {o.code: o for o in db.session.scalars(select(Opd))}
    assert by_code["SETDA"].name == "Sekretariat Daerah"
    assert by_code["BAG-ORG"].parent_id == by_code["SETDA"].id
    assert by_code["KEL-SISIR"].parent_id == by_code["KEC-BATU"].id
    assert by_code["KEC-BATU"].active is False


def test_import_with_bad_rows_changes_nothing_and_names_the_rows(login_as):
    admin = login_as("admin")
    csv = (
        b"kode;nama;singkatan;jenis;induk;aktif\n"
        b"DINKES;Dinas Kesehatan;Dinkes;dinas;;ya\n"
        b"DISHUB;Dinas Perhubungan;Dishub;kantor;;ya\n"
        b"DINKES;Dinas Kesehatan lagi;;dinas;;ya\n"
        b"KEL-X;Kelurahan X;;kelurahan;KEC-TIDAK-ADA;ya\n"
    )
    response = _upload(admin, "opd.csv", csv)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "tidak ada data yang diubah" in page
    assert "<td>3</td><td>jenis kantor tidak dikenal" in page
    assert "<td>4</td><td>kode DINKES ganda (juga di baris 2)" in page
    assert "<td>5</td><td>induk KEC-TIDAK-ADA tidak ditemukan" in page
    assert _opd_count() == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "Opd")
        )
        == 0
    )


def test_import_refuses_a_parent_cycle(login_as):
    admin = login_as("admin")
    csv = b"kode,nama,jenis,induk\nA,Unit A,bagian,B\nB,Unit B,bagian,A\n"
    page = _upload(admin, "opd.csv", csv).get_data(as_text=True)
    assert "induk membentuk lingkaran" in page
    assert _opd_count() == 0


def test_import_refuses_wrong_file_types(login_as):
    admin = login_as("admin")
    page = _upload(admin, "opd.pdf", b"%PDF-1.4 ...").get_data(as_text=True)
    assert "Jenis berkas tidak didukung" in page
    page = _upload(admin, "opd.xlsx", b"PK\x03\x04 not really a workbook").get_data(as_text=True)
    assert "Jenis berkas tidak didukung" in page
    page = _upload(admin, "opd.csv", b"nama\nDinas\n").get_data(as_text=True)
    assert "Kolom wajib tidak ada: kode, jenis" in page
    assert _opd_count() == 0


def test_template_and_export_open_back_as_spreadsheets(login_as, make_opd):
    admin = login_as("admin")
    kec = make_opd("KEC-BATU", kind="kecamatan", name="Kecamatan Batu")
    make_opd("KEL-SISIR", kind="kelurahan", parent=kec, name="Kelurahan Sisir")

    template = load_workbook(io.BytesIO(admin.get("/opd/template.xlsx").data)).active
    assert [c.value for c in template[1]] == HEADER

    sheet = load_workbook(io.BytesIO(admin.get("/opd/export.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert ["KEL-SISIR", "Kelurahan Sisir", "KEL-SISIR", "kelurahan", "KEC-BATU", "ya"] in rows

    csv_text = admin.get("/opd/export.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ",".join(HEADER)
    # An export imports back unchanged.
    response = _confirm(admin, _upload(admin, "opd.csv", csv_text.encode()))
    assert response.status_code == 302 and _opd_count() == 2


def test_registry_list_runs_constant_queries(login_as, make_opd, count_queries):
    admin = login_as("admin")
    make_opd()
    with count_queries() as few:
        assert admin.get("/opd/").status_code == 200
    for _ in range(40):
        make_opd()
    with count_queries() as many:
        assert admin.get("/opd/").status_code == 200
    assert many.count == few.count


def test_registry_search_takes_wildcards_literally(login_as, make_opd):
    admin = login_as("admin")
    make_opd("DINKES", name="Dinas Kesehatan")
    assert "Dinas Kesehatan" in admin.get("/opd/?q=kesehatan").get_data(as_text=True)
    assert "Dinas Kesehatan" not in admin.get("/opd/?q=%25").get_data(as_text=True)
    assert "Dinas Kesehatan" not in admin.get("/opd/?q=_").get_data(as_text=True)
