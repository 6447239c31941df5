"""Factories for the people directory: people and spreadsheets to upload."""

import csv
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import insert

from app.extensions import db
from participants.directory import spreadsheets
from participants.models import Person

VALID_NIP = "198609262015051001"
HEADER = spreadsheets.IMPORT_COLUMNS


def nip_for(n: int, sex: int = 1) -> str:
    """A valid, distinct NIP for each n < 999 * 28 * 12."""
    day, rest = n % 28 + 1, n // 28
    month, rest = rest % 12 + 1, rest // 12
    return f"1980{month:02d}{day:02d}200503{sex}{rest % 999 + 1:03d}"


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def bulk_people():
    """bulk_people(300, opd) → that many active officials with valid NIPs, inserted at once."""

    def make(count, opd=None, start=0):
        db.session.execute(
            insert(Person),
            [
                {
                    "nip": nip_for(start + i),
                    "name": f"Pegawai {start + i:04d}, S.E.",
                    "position": "Analis Kebijakan Ahli Muda",
                    "level": "fungsional",
                    "golongan": "III/c",
                    "opd_id": opd.id if opd else None,
                    "email": f"pegawai{start + i}@test.example",
                }
                for i in range(count)
            ],
        )
        db.session.commit()

    return make


@pytest.fixture
def upload(app):
    """upload(client, filename, content) → the response of the import form's POST; the preview
    it leads to is remembered on the client (``preview_page``, ``preview_form``, ``confirm``)."""

    def post(client, filename, content):
        response = client.submit(
            "/people/import",
            {"file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
        )
        if response.status_code == 302:
            client.preview_url = response.location
        return response

    return post


_HIDDEN = re.compile(r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"')


def preview_page(client) -> str:
    """The preview of the client's last upload, as HTML."""
    return client.get(client.preview_url).get_data(as_text=True)


def preview_form(client) -> dict:
    """The hidden fields of the preview's confirm button, as the browser would send them."""
    return dict(_HIDDEN.findall(preview_page(client)))


def confirm(client, form=None):
    """Press "Simpan" on the import preview."""
    return client.post("/people/import/confirm", data=form or preview_form(client))
