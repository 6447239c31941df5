"""Every spreadsheet Sinergi writes is formula-safe: text typed by a user never runs as a formula.

Names come from organisers, imports and even from participants themselves (a delegate's name is
typed on the personal page), so an export opened in Excel or LibreOffice must show them as text.
"""

import csv
import io
import re
import threading

from flask.testing import FlaskClient
from openpyxl import load_workbook

from agenda.models import EventSeries
from app.extensions import db
from app.tabular import csv_bytes, read_table, xlsx_bytes
from attendance import services as attendance
from participants.models import Person
from tests.evaluation.fixtures import realisation

HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def _export_urls(app, event) -> list[str]:
    """Every export route of the app (named .xlsx/.csv or taking a format), so a new export
    cannot escape this test. A route taking a format may not offer both."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not re.search(r"xlsx|csv", rule.rule) and "fmt" not in rule.arguments:
            continue
        formats = ["xlsx", "csv"] if "fmt" in rule.arguments else [None]
        for fmt in formats:
            values = {"fmt": fmt, "slug": event.slug, "series_id": str(event.series_id)}
            unknown = rule.arguments - values.keys()
            assert not unknown, f"{rule.rule}: teach this test the argument(s) {unknown}"
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name], path)
            urls.append(path)
    return urls


def _rule(app, url) -> str:
    return app.url_map.bind("localhost").match(url.split("?")[0], return_rule=True)[0].rule


def _cells(response) -> list:
    if response.headers["Content-Type"].startswith("text/csv"):
        return [
            cell
            for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
            for cell in row
        ]
    sheet = load_workbook(io.BytesIO(response.data)).active  # formulas kept, not evaluated
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert not formulas, f"formula cells {formulas}"
    return [cell for row in sheet.iter_rows() for cell in row]


def test_no_export_contains_a_formula_cell(
    app, login_as, make_opd, make_person, make_event, make_registration, make_item
):
    event = make_event(series=EventSeries(title=HOSTILE[0]))
    opd = make_opd(name=HOSTILE[0], short_name="@evil")
    for text in HOSTILE:
        person = make_person(name=text, position=text, opd=opd)
        registration = make_registration(event, person, group=text, status="confirmed")
        attendance.manual_checkin(event, registration, event.start_date, None, None)
        make_item(opd, event=event, title=text)
    db.session.add(realisation(opd.id, 10**9, 5 * 10**8))
    db.session.commit()
    client = login_as("admin")

    # Formats chosen in the query string are not in the URL map: listed here.
    urls = _export_urls(app, event) + [f"/attendance/series/{event.series_id}?format=xlsx"]
    assert len(urls) >= 13  # people, OPDs, participants, attendance, recaps, ranking, templates
    for url in urls:
        response = client.get(url)
        if response.status_code == 404 and url.endswith(".csv") and "<fmt>" in _rule(app, url):
            continue  # this export offers XLSX (and PDF) only
        assert response.status_code == 200, url
        cells = _cells(response)
        if url.endswith(".csv"):
            assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url
            texts = [cell for cell in cells if cell]
            assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))], url
        else:
            texts = [cell.value for cell in cells if isinstance(cell.value, str)]
            quoted = [
                cell
                for cell in cells
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))
            ]
            assert all(cell.quotePrefix for cell in quoted), url
        if "template" not in url and "templat" not in url:
            joined = "\n".join(texts)
            assert "HYPERLINK" in joined, f"{url}: the text itself stays readable"


def test_numbers_stay_numbers_and_text_reads_back_as_typed():
    rows = [[HOSTILE[0], -5, 1.5, "-2+3"]]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a", "b", "c", "d"], rows))).active
    assert [c.value for c in sheet[2]] == [HOSTILE[0], -5, 1.5, "-2+3"]
    assert sheet["B2"].data_type == "n" and sheet["A2"].data_type == "s"

    # An exported CSV imported again gives back the text the user typed, not the guard.
    back = read_table(csv_bytes(["a", "b", "c", "d"], rows), ["a"])
    assert back[0].values == {"a": HOSTILE[0], "b": "-5", "c": "1.5", "d": "-2+3"}


def test_spreadsheet_dates_are_date_cells_under_title_rows_in_a_readable_sheet():
    from datetime import date, datetime, time

    body = xlsx_bytes(
        "daftar-hadir-rakor-program-prioritas-2026",
        ["Nama", "Tanggal", "Waktu hadir", "Jam"],
        [["Ani", date(2026, 12, 6), datetime(2026, 12, 6, 8, 5), time(9, 30)]],
        title_rows=["DAFTAR HADIR", "=Rakor Program Prioritas"],
        name="Daftar hadir: Rakor Program Prioritas [Senin]",
    )
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Daftar hadir Rakor Program"
    assert sheet["A1"].value == "DAFTAR HADIR"
    assert sheet["A2"].value == "=Rakor Program Prioritas" and sheet["A2"].data_type == "s"
    assert [c.value for c in sheet[4]] == ["Nama", "Tanggal", "Waktu hadir", "Jam"]
    tanggal, hadir, jam = sheet["B5"], sheet["C5"], sheet["D5"]
    assert tanggal.is_date and tanggal.value.date() == date(2026, 12, 6)
    assert "mmmm" in tanggal.number_format
    assert hadir.is_date and hadir.value == datetime(2026, 12, 6, 8, 5)
    assert jam.is_date and jam.value == time(9, 30) and '"."' in jam.number_format


def test_the_people_csv_streams_every_row_in_chunks_with_queries_not_growing_per_person(
    app, make_user, make_opd, make_person, count_queries
):
    from app import tabular
    from app.auth.services import issue_token

    opd = make_opd("DINKES")
    heads = [make_person(f"Kepala {n}", opd=make_opd(), head="plt") for n in range(3)]
    for n in range(tabular.CSV_CHUNK_ROWS + 20):
        db.session.add(Person(name=f"Staf {n:04d}", level="fungsional", opd_id=opd.id))
    token = issue_token(make_user("organiser"))
    db.session.commit()

    # As under gunicorn: the request in a thread of its own, so that its context (and its
    # database session) ends when the view returns, before the body is streamed.
    answer = {}

    def download():
        response = FlaskClient(app).get(
            "/people/export.csv", headers={"Authorization": f"Bearer {token}"}
        )
        answer["streamed"] = response.is_streamed
        answer["length"] = response.headers.get("Content-Length")
        answer["status"], answer["body"] = response.status_code, response.data

    with count_queries() as counter:
        worker = threading.Thread(target=download)
        worker.start()
        worker.join()
    assert answer["status"] == 200 and answer["streamed"] and answer["length"] is None
    rows = list(csv.reader(io.StringIO(answer["body"].decode("utf-8-sig"))))
    assert len(rows) == 1 + tabular.CSV_CHUNK_ROWS + 20 + len(heads)
    assert rows[1][1] == "Kepala 0" and rows[1][-1] == "plt"
    assert answer["body"].count(b"\xef\xbb\xbf") == 1  # one BOM, at the start
    # The token, the people in batches with their headships: not one query per person.
    assert counter.count < 20
