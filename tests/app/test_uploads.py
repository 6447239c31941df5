"""app.uploads: what any feature's upload goes through (people import now, evidence next)."""

import io
import os
import zipfile

import pytest
from openpyxl import Workbook

from app import uploads
from app.tabular import read_table

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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
