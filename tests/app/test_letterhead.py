"""The kop surat (issue 27): an official letterhead carries the regional emblem, the address,
telephone and website, set by an administrator and drawn on every official document."""

import io
from datetime import date

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.organisation.models import Letterhead


def _png(width=120, height=150) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages[:1])


def _text(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


FORM = {
    "lines": "PEMERINTAH KOTA BATU\nSEKRETARIAT DAERAH",
    "address": "Jl. Panglima Sudirman No. 507, Batu 65313",
    "phone": "(0341) 512424",
    "website": "batukota.go.id",
    "email": "setda@batukota.go.id",
}


def test_the_administrator_sets_the_kop_and_documents_carry_it(login_as, make_event, app):
    admin = login_as("admin")
    before = admin.get("/admin/kop-surat/contoh.pdf").data
    assert _images(before) == 0 and "Telepon" not in _text(before)

    saved = admin.submit(
        "/admin/kop-surat",
        data={**FORM, "emblem": (io.BytesIO(_png()), "lambang.png")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    sample = admin.get("/admin/kop-surat/contoh.pdf").data
    text = _text(sample)
    assert "PEMERINTAH KOTA BATU" in text and "SEKRETARIAT DAERAH" in text
    assert "Jl. Panglima Sudirman No. 507, Batu 65313" in text
    assert "Telepon (0341) 512424" in text and "Laman batukota.go.id" in text
    assert "Pos-el setda@batukota.go.id" in text
    assert _images(sample) == 1  # the lambang

    # A document of a feature package carries the same kop.
    make_event("rakor-kop", title="Rakor", start=date(2026, 9, 10))
    organiser = login_as("organiser")
    report = organiser.get("/events/rakor-kop/laporan.pdf").data
    assert "Laman batukota.go.id" in _text(report) and _images(report) == 1

    # Without changing the file the lambang stays; "Hapus lambang" removes it.
    admin.submit("/admin/kop-surat", data={**FORM, "phone": "(0341) 000"})
    kept = admin.get("/admin/kop-surat/contoh.pdf").data
    assert _images(kept) == 1 and "Telepon (0341) 000" in _text(kept)
    admin.submit("/admin/kop-surat", data={**FORM, "remove_emblem": "y"})
    assert _images(admin.get("/admin/kop-surat/contoh.pdf").data) == 0


def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes(login_as):
    admin = login_as("admin")
    admin.submit("/admin/kop-surat", data=FORM)
    for bad, message in (
        (b"%PDF-1.4 not an emblem", "Jenis berkas tidak didukung. Unggah berkas PNG, JPG."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Gambar lambang rusak atau tidak dapat dibaca."),
    ):
        refused = admin.submit(
            "/admin/kop-surat",
            data={**FORM, "phone": "999", "emblem": (io.BytesIO(bad), "lambang.png")},
            content_type="multipart/form-data",
        )
        assert refused.status_code == 422
        assert message in refused.get_data(as_text=True)
        db.session.expire_all()
        row = db.session.scalar(select(Letterhead))
        assert row.phone == "(0341) 512424" and row.emblem_sha256 is None
    assert db.session.scalar(select(func.count()).select_from(Letterhead)) == 1


def test_only_administrators_set_the_kop(login_as):
    for role in ("organiser", "operator", "viewer", "opd"):
        client = login_as(role)
        assert client.get("/admin/kop-surat").status_code == 403
        assert client.submit("/admin/kop-surat", data=FORM).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Letterhead)) == 0
