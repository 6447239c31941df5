"""app.uploads: what any feature's upload goes through (people import now, evidence next)."""

import io
import os
import zipfile

import pytest
from openpyxl import Workbook
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from app import uploads
from app.tabular import read_table
from tests.files import action, open_at_first_page, pdf

PDF = pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["kode", "nama"])
    book.active.append(["A", "Dinas A"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _files(app) -> list[str]:
    root = os.path.join(app.config["UPLOAD_FOLDER"], "files")
    return [name for _dir, _subdirs, names in os.walk(root) for name in names]


def test_the_kind_comes_from_the_content_not_the_name():
    assert uploads.detect_kind(PDF) == "pdf"
    assert uploads.detect_kind(PNG) == "png"
    assert uploads.detect_kind(b"\xff\xd8\xff\xe0JFIF") == "jpeg"
    assert uploads.detect_kind(_xlsx()) == "xlsx"
    assert uploads.detect_kind(_docx()) == "docx"
    assert uploads.detect_kind(b"nip;nama\n1;A\n") == "csv"
    for hostile in (b"MZ\x90\x00", b"<html><script>x</script>", b"PK\x03\x04junk", b"\x7fELF\x02"):
        assert uploads.detect_kind(hostile) is None


def test_an_evidence_file_is_stored_once_by_its_hash_outside_the_web_root(app):
    first = uploads.store(PDF, "Laporan Q3.pdf", uploads.EVIDENCE_KINDS)
    again = uploads.store(PDF, "salinan.pdf", uploads.EVIDENCE_KINDS)
    assert first.sha256 == again.sha256 and first.kind == "pdf" and first.size == len(PDF)
    assert _files(app).count(first.sha256) == 1
    assert uploads.read(first.sha256) == PDF
    assert not uploads.path_of(first.sha256).startswith(app.static_folder)
    # A PNG called .pdf is kept as what it is.
    image = uploads.store(PNG, "foto.pdf", uploads.EVIDENCE_KINDS)
    assert image.kind == "png" and image.filename == "foto.png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "virus.xlsx",
            b"MZ\x90\x00\x03",
            "Jenis berkas tidak didukung. Unggah berkas PDF, PNG, JPG, XLSX, DOCX.",
        ),
        ("halaman.pdf", b"<html><script>alert(1)</script>", "Jenis berkas tidak didukung"),
        ("kosong.pdf", b"", "Berkas kosong."),
    ],
)
def test_refused_files_leave_nothing_behind(app, name, content, message):
    before = _files(app)
    with pytest.raises(uploads.UploadError, match=message):
        uploads.store(content, name, uploads.EVIDENCE_KINDS)
    assert _files(app) == before


def test_a_file_over_the_size_limit_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    with pytest.raises(uploads.UploadError, match="paling besar 1 MB"):
        uploads.store(PDF + b"0" * (1024 * 1024), "besar.pdf", uploads.EVIDENCE_KINDS)


def test_a_download_is_an_attachment_with_a_safe_name(app):
    stored = uploads.store(PDF, "x.pdf", uploads.EVIDENCE_KINDS)
    with app.test_request_context():
        response = uploads.send_stored(stored.sha256, "../../etc/passwd.pdf", stored.kind)
        disposition = response.headers["Content-Disposition"]
        response.close()
    assert disposition.startswith("attachment;") and "etc_passwd.pdf" in disposition
    assert "/" not in disposition.split("filename=")[1]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        uploads.send_stored("../../secret", "a.pdf", "pdf")  # only hashes name stored files


def test_staging_keeps_a_file_between_steps_and_discards_it(app):
    token = uploads.stage(b"nip,nama\n", "people-imports")
    assert uploads.read_staged("people-imports", token) == b"nip,nama\n"
    uploads.discard_staged("people-imports", token)
    with pytest.raises(FileNotFoundError):
        uploads.read_staged("people-imports", token)
    with pytest.raises(FileNotFoundError):
        uploads.read_staged("people-imports", "../../../etc/passwd")


def test_tables_are_read_by_their_content_whatever_their_name():
    rows = read_table(_xlsx(), ["kode", "nama"])  # the caller never passes the name
    assert rows[0].values == {"kode": "A", "nama": "Dinas A"}


# --- content inspection: what the magic bytes alone let through ----------------------------


def _with_javascript_on_open(writer, page):
    writer._root_object[NameObject("/OpenAction")] = action("/JavaScript", JS="app.alert(1)")


def _with_document_javascript(writer, page):
    """Document-level JavaScript: a /Names tree the viewer runs on opening."""
    script = writer._add_object(action("/JavaScript", JS="this.print({bUI: false});"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )


def _with_launch_link(writer, page):
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/A"): action("/Launch", F="cmd.exe"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _with_page_open_action(writer, page):
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): action("/URI", URI="http://x")})


def _with_open_action_to_a_site(writer, page):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        action("/URI", URI="http://contoh.example/")
    )


@pytest.mark.parametrize(
    "extra",
    [
        _with_javascript_on_open,
        _with_document_javascript,
        _with_launch_link,
        _with_page_open_action,
        _with_open_action_to_a_site,
    ],
)
def test_a_pdf_that_runs_something_is_refused(app, request_ctx, extra):
    before = _files(app)
    with pytest.raises(uploads.UploadError, match="JavaScript atau tindakan otomatis"):
        uploads.store(pdf(extra=extra), "laporan.pdf", uploads.EVIDENCE_KINDS)
    assert _files(app) == before


def test_a_plain_pdf_that_opens_at_its_first_page_is_accepted(app):
    stored = uploads.store(pdf(extra=open_at_first_page), "laporan.pdf", uploads.EVIDENCE_KINDS)
    assert stored.kind == "pdf"


def test_a_pdf_no_parser_can_read_is_refused(app, request_ctx):
    with pytest.raises(uploads.UploadError, match="PDF rusak atau tidak dapat dibaca"):
        uploads.store(b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n", "x.pdf", uploads.EVIDENCE_KINDS)


@pytest.mark.parametrize(
    "content",
    [
        pdf()[:9] + b"%<html><body><script>alert(document.cookie)</script>\n" + pdf()[9:],
        PNG + b"<svg onload=alert(1)>",
        b"\xff\xd8\xff\xe0 <!DOCTYPE html><p>x</p>",
        b"nip;nama\n1;<script>alert(1)</script>\n",
    ],
    ids=["pdf-html", "png-svg", "jpeg-html", "csv-script"],
)
def test_a_polyglot_with_html_near_its_start_is_refused(app, request_ctx, content):
    with pytest.raises(uploads.UploadError, match="kode HTML atau skrip"):
        uploads.store(content, "bukti", uploads.EVIDENCE_KINDS | uploads.TABLE_KINDS)


def _xlsx_with(name: str, data: bytes) -> bytes:
    out = io.BytesIO(_xlsx())
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_dressed_as_xlsx_is_refused(app, request_ctx):
    bomb = _xlsx_with("xl/media/image1.png", b"\0" * (30 * 1024 * 1024))
    assert len(bomb) < 100 * 1024  # 30 MB inflated from a few dozen KiB
    before = _files(app)
    with pytest.raises(uploads.UploadError, match="XLSX tidak wajar: isinya mengembang menjadi 30"):
        uploads.store(bomb, "anggaran.xlsx", uploads.EVIDENCE_KINDS)
    assert _files(app) == before
    with pytest.raises(uploads.UploadError, match="tidak wajar"):  # nor do the imports
        uploads.check(bomb, uploads.TABLE_KINDS)


def test_an_office_file_that_inflates_beyond_the_total_limit_is_refused(app, request_ctx):
    noise = os.urandom(2 * 1024 * 1024)  # incompressible: the ratio is 1
    big = _xlsx_with("xl/media/image1.png", noise)
    assert uploads.store(big, "a.xlsx", uploads.EVIDENCE_KINDS).kind == "xlsx"
    limit = uploads.MAX_INFLATED_BYTES
    uploads.MAX_INFLATED_BYTES = 1024 * 1024
    try:
        with pytest.raises(uploads.UploadError, match="tidak wajar"):
            uploads.store(big, "b.xlsx", uploads.EVIDENCE_KINDS)
    finally:
        uploads.MAX_INFLATED_BYTES = limit


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("payload.exe", "bukan bagian dokumen Office \\(payload.exe\\)"),
        ("../../etc/cron.d/x", "bukan bagian dokumen Office"),
        ("xl/vbaProject.bin", "memuat makro"),
    ],
)
def test_an_office_file_with_foreign_parts_is_refused(app, request_ctx, name, message):
    with pytest.raises(uploads.UploadError, match=message):
        uploads.store(_xlsx_with(name, b"MZ\x90\x00"), "a.xlsx", uploads.EVIDENCE_KINDS)


def test_a_plain_zip_is_no_office_file(app, request_ctx):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("laporan.pdf", pdf())
    with pytest.raises(uploads.UploadError, match="Jenis berkas tidak didukung"):
        uploads.store(out.getvalue(), "a.xlsx", uploads.EVIDENCE_KINDS)


def test_real_office_files_pass_the_inspection(app):
    assert uploads.store(_xlsx(), "a.xlsx", uploads.EVIDENCE_KINDS).kind == "xlsx"
    assert uploads.store(_docx(), "a.docx", uploads.EVIDENCE_KINDS).kind == "docx"
