"""The one import flow (app/staged_import.py) for all four imports: people, OPDs, action items
and budget realisation. Each is uploaded, previewed and confirmed the same way; these tests run
every rule of the flow against every import."""

import io
import re
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app import staged_import
from app.audit.models import AuditEntry
from app.extensions import db
from app.opds.models import Opd
from app.tabular import clean_text, csv_bytes, xlsx_bytes
from evaluation.imports import IMPORT_COLUMNS as REALISATION_COLUMNS
from evaluation.models import BudgetRealisation
from followup.imports import COLUMNS as ITEM_COLUMNS
from followup.models import ActionItem
from participants.directory.spreadsheets import IMPORT_COLUMNS as PEOPLE_COLUMNS
from participants.models import Person

HIDDEN = re.compile(r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"')


@dataclass
class Flow:
    """One import as a user sees it: its upload URL, a file's rows, what it writes."""

    name: str
    role: str
    base: str  # upload URL; preview/confirm/cancel are below it
    header: list
    good: list  # two valid rows
    bad: list  # one valid row and one with an error, and the error's text
    error: str
    model: type

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.model))


def _flows(city) -> dict[str, Flow]:
    dpupr, dinkes = city["dpupr"], city["dinkes"]
    return {
        "people": Flow(
            "people",
            "organiser",
            "/people/import",
            PEOPLE_COLUMNS,
            [["", "Tamu Satu", "", "", "", "", "", "", ""], ["", "Tamu Dua", "", "", "", "", "", "", ""]],
            [["", "Tamu Tiga", "", "", "", "", "", "", ""], ["", "Tamu Empat", "", "", "", "NOPE", "", "", ""]],
            "kode OPD NOPE tidak ditemukan",
            Person,
        ),
        "opds": Flow(
            "opds",
            "admin",
            "/opd/import",
            ["kode", "nama", "jenis"],
            [["DISHUB", "Dinas Perhubungan", "dinas"], ["DLH", "Dinas Lingkungan Hidup", "dinas"]],
            [["DISPORA", "Dinas Pemuda", "dinas"], ["KANTOR-X", "Kantor X", "kantor"]],
            "jenis kantor tidak dikenal",
            Opd,
        ),
        "items": Flow(
            "items",
            "organiser",
            "/events/sm-iii/tindak-lanjut/import",
            ITEM_COLUMNS[:3],
            [["Percepat lelang", "DPUPR", "2026-12-15"], ["Vaksinasi", "DINKES", ""]],
            [["Percepat lelang", "DPUPR", ""], ["Kode salah", "DINAS-X", ""]],
            "DINAS-X tidak dikenal",
            ActionItem,
        ),
        "realisation": Flow(
            "realisation",
            "organiser",
            "/evaluasi/import",
            REALISATION_COLUMNS,
            [[2026, 3, dpupr.code, "1.000.000", "500.000", "50"], [2026, 3, dinkes.code, 900, 90, 10]],
            [[2026, 3, dpupr.code, "1000", "10", "5"], [2026, 3, dinkes.code, "seribu", "10", "5"]],
            "seribu bukan jumlah rupiah",
            BudgetRealisation,
        ),
    }  # fmt: skip


@pytest.fixture
def flows(city, make_event):
    make_event("sm-iii")
    return _flows(city)


FLOWS = ["people", "opds", "items", "realisation"]


def _upload(client, flow: Flow, content: bytes, name="impor.csv"):
    return client.submit(
        flow.base, {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def _preview(client, flow: Flow, rows) -> tuple[str, dict]:
    """Upload ``rows`` as CSV; the preview's HTML and its confirm button's fields."""
    response = _upload(client, flow, csv_bytes(flow.header, rows))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert response.location.startswith(f"{flow.base}/preview?token=")
    page = client.get(response.location).get_data(as_text=True)
    token = response.location.rsplit("=", 1)[1]
    return page, {"token": token, "csrf_token": client.csrf_token()} | dict(HIDDEN.findall(page))


def _confirm(client, flow: Flow, fields: dict):
    return client.post(f"{flow.base}/confirm", data=fields)


def _audits() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("name", FLOWS)
def test_a_preview_with_row_errors_changes_nothing_and_offers_no_confirm(name, flows, login_as):
    flow = flows[name]
    client = login_as(flow.role)
    before, audits = flow.count(), _audits()
    page, fields = _preview(client, flow, flow.bad)
    assert flow.error in page and "tidak ada data yang diubah" in page
    assert f"{flow.base}/confirm" not in page and "expected" not in fields  # no button
    # Even a forced confirm with the token writes nothing, and says why (422).
    response = _confirm(client, flow, fields | {"expected": "1-0"})
    assert response.status_code == 422 and flow.error in response.get_data(as_text=True)
    assert flow.count() == before and _audits() == audits


@pytest.mark.parametrize("name", FLOWS)
def test_confirm_applies_every_row_once_with_one_audit_entry(name, flows, login_as):
    flow = flows[name]
    client = login_as(flow.role)
    before = flow.count()
    page, fields = _preview(client, flow, flow.good)
    assert "Simpan 2 perubahan" in page and flow.count() == before  # the preview writes nothing
    response = _confirm(client, flow, fields)
    assert response.status_code == 302
    assert flow.count() == before + 2
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.user_id == client.user.id and entry.changes["baris"] == [None, 2]
    # The same token cannot be used twice (a double click, the back button).
    again = _confirm(client, flow, fields)
    assert again.status_code == 302
    assert "Impor ini sudah disimpan" in client.get(again.location).get_data(as_text=True)
    assert flow.count() == before + 2


@pytest.mark.parametrize("name", FLOWS)
def test_the_preview_is_never_kept_by_the_browser(name, flows, login_as):
    # It holds the uploaded rows (names, NIPs) and is used up once saved: Back must ask again.
    flow = flows[name]
    client = login_as(flow.role)
    response = _upload(client, flow, csv_bytes(flow.header, flow.good))
    preview = client.get(response.location)
    assert preview.headers["Cache-Control"] == "no-store"
    assert "data-fresh-on-back" in preview.get_data(as_text=True)


@pytest.mark.parametrize("name", FLOWS)
def test_a_file_that_is_no_table_is_refused_with_a_message(name, flows, login_as):
    flow = flows[name]
    client = login_as(flow.role)
    before = flow.count()
    for filename, content in [("x.xlsx", b"%PDF-1.4 not a sheet"), ("x.csv", b"MZ\x90\x00")]:
        response = _upload(client, flow, content, filename)
        assert response.status_code in (200, 422)
        assert "Jenis berkas tidak didukung" in response.get_data(as_text=True), filename
    assert flow.count() == before


@pytest.mark.parametrize("name", FLOWS)
def test_another_users_token_is_refused(name, flows, login_as):
    flow = flows[name]
    owner, other = login_as(flow.role), login_as(flow.role)
    before = flow.count()
    _page, fields = _preview(owner, flow, flow.good)
    token = fields["token"]
    page = other.get(f"{flow.base}/preview?token={token}", follow_redirects=True)
    assert "milik pengguna lain" in page.get_data(as_text=True)
    stolen = {"token": token, "expected": fields["expected"], "csrf_token": other.csrf_token()}
    response = _confirm(other, flow, stolen)
    assert response.status_code == 302
    assert "milik pengguna lain" in other.get(response.location).get_data(as_text=True)
    other.post(f"{flow.base}/cancel", data=stolen)  # nor can they throw it away
    assert flow.count() == before
    assert _confirm(owner, flow, fields).status_code == 302  # still the owner's to save
    assert flow.count() == before + 2


def test_an_expired_preview_is_refused(flows, login_as, monkeypatch):
    flow = flows["opds"]
    client = login_as(flow.role)
    _page, fields = _preview(client, flow, flow.good)
    monkeypatch.setattr(staged_import, "PREVIEW_MAX_AGE", -1)
    response = _confirm(client, flow, fields)
    assert response.status_code == 302 and response.location.endswith(flow.base)
    assert "sudah kedaluwarsa" in client.get(response.location).get_data(as_text=True)
    assert flow.count() == 3  # the city's OPDs only


def test_a_token_of_one_event_does_not_confirm_at_another(flows, login_as, make_event):
    flow = flows["items"]
    make_event("sm-iv")
    client = login_as(flow.role)
    _page, fields = _preview(client, flow, flow.good)
    response = client.post("/events/sm-iv/tindak-lanjut/import/confirm", data=fields)
    assert "milik impor lain" in client.get(response.location).get_data(as_text=True)
    assert flow.count() == 0


@pytest.mark.parametrize("name", FLOWS)
def test_a_file_over_the_row_cap_is_refused_naming_the_cap(name, flows, login_as, app, monkeypatch):
    flow = flows[name]
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 1)
    client = login_as(flow.role)
    before = flow.count()
    response = _upload(client, flow, csv_bytes(flow.header, flow.good))
    assert response.status_code in (200, 422)  # the upload form again, nothing staged
    page = response.get_data(as_text=True)
    assert "Berkas berisi 2 baris; paling banyak 1 baris per impor" in page
    assert flow.count() == before


def test_the_row_cap_is_one_setting_and_defaults_to_a_regency(app):
    assert app.config["IMPORT_MAX_ROWS"] == 20_000


def test_control_characters_are_stripped_from_every_cell():
    assert clean_text("Budi\r\nSantoso\x00\t S.Kom.\x7f\x1b[31m") == "Budi Santoso S.Kom. [31m"
    assert clean_text("\u2028Kepala\x85Dinas ") == "Kepala Dinas"
    assert clean_text("") == ""


def test_control_characters_never_reach_the_database(flows, login_as):
    people, items = flows["people"], flows["items"]
    client = login_as("organiser")
    name = "Tamu\r\nBaris\x00Dua\tTab\x7f\x1b"
    # A NUL at the start of a file says it is no text: the file is refused.
    refused = _upload(client, people, csv_bytes(people.header, [["", name]]))
    assert "Jenis berkas tidak didukung" in refused.get_data(as_text=True)
    # Further in, every control character of a cell becomes a space.
    filler = [["", f"Tamu {n:03d}", "", "", "", "", "", "", "Instansi mitra"] for n in range(200)]
    _page, fields = _preview(client, people, [*filler, ["", name, "", "", "", "", "", "", ""]])
    assert _confirm(client, people, fields).status_code == 302
    assert db.session.scalar(select(Person.name).where(Person.name.like("%Tab"))) == (
        "Tamu Baris Dua Tab"
    )
    _page, fields = _preview(client, items, [["Judul\rdua\nbaris", "DPUPR", ""]])
    assert _confirm(client, items, fields).status_code == 302
    assert db.session.scalar(select(ActionItem.title)) == "Judul dua baris"
    # In an XLSX too (openpyxl keeps the line break of a wrapped cell).
    content = xlsx_bytes(
        "o", ["kode", "nama", "jenis"], [["DISHUB", "Dinas\nPerhubungan", "dinas"]]
    )
    response = _upload(client, flows["opds"], content, "o.xlsx")
    assert response.status_code == 403  # an organiser may not import OPDs; an admin may:
    admin = login_as("admin")
    response = _upload(admin, flows["opds"], content, "o.xlsx")
    fields = dict(HIDDEN.findall(admin.get(response.location).get_data(as_text=True)))
    assert _confirm(admin, flows["opds"], fields).status_code == 302
    assert db.session.scalar(select(Opd.name).where(Opd.code == "DISHUB")) == "Dinas Perhubungan"


@pytest.mark.parametrize(
    "value, message",
    [
        ("Infinity", "bukan jumlah rupiah"),
        ("-Infinity", "bukan jumlah rupiah"),
        ("NaN", "bukan jumlah rupiah"),
        ("1" + "0" * 30, "terlalu besar (paling banyak 15 digit)"),
        (str(2**63), "terlalu besar (paling banyak 15 digit)"),
        ("1e1000000", "bukan jumlah rupiah"),
        ("9" * 100_000, "terlalu besar (paling banyak 15 digit)"),
        ("1" + "0" * 15, "terlalu besar (paling banyak 15 digit)"),  # 16 digits
        ("-5", "bukan jumlah rupiah"),
    ],
)
def test_rupiah_beyond_any_budget_is_a_row_error_found_at_once(value, message, flows, login_as):
    flow = flows["realisation"]
    client = login_as(flow.role)
    started = time.perf_counter()
    rows = [[2026, 3, "DPUPR", value, "1", "5"], [2026, 3, "DINKES", "1", value, "5"]]
    page, _fields = _preview(client, flow, rows)
    assert time.perf_counter() - started < 2
    assert page.count(message) == 2, page[-3000:]
    assert flow.count() == 0


def test_the_largest_budget_of_15_digits_is_accepted(flows, login_as):
    flow = flows["realisation"]
    client = login_as(flow.role)
    biggest = "999.999.999.999.999"
    page, fields = _preview(client, flow, [[2026, 3, "DPUPR", biggest, biggest, "100"]])
    assert "Rp999.999.999.999.999" in page
    assert _confirm(client, flow, fields).status_code == 302
    assert db.session.scalar(select(BudgetRealisation.pagu)) == 999_999_999_999_999


def test_a_real_xlsx_number_cell_of_1e30_is_a_row_error(flows, login_as):
    flow = flows["realisation"]
    client = login_as(flow.role)
    content = xlsx_bytes("r", flow.header, [[2026, 3, "DPUPR", 1e30, 2.0**63, 5]])
    response = _upload(client, flow, content, "r.xlsx")
    page = client.get(response.location).get_data(as_text=True)
    assert f"pagu {str(int(1e30))[:30]}… terlalu besar" in page
    assert "realisasi_keuangan 9223372036854775808 terlalu besar" in page
    assert flow.count() == 0
