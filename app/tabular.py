"""Spreadsheets in and out (XLSX read by openpyxl and written by XlsxWriter, CSV), shared by every import and export.

Every export goes through here, so every export is formula-safe: text that a spreadsheet would
run as a formula (it starts with = + - @, a tab or a carriage return) is written as text. Names
come from users, delegates' names even from the participants themselves (OWASP "CSV injection").
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain, islice

import xlsxwriter
from flask import Response, stream_with_context
from flask_babel import gettext as _
from openpyxl import load_workbook

from app import uploads
from app.formatting import number as format_number

XLSX_MIMETYPE = uploads.KINDS["xlsx"][0]


class TableError(ValueError):
    """The uploaded file cannot be read as a table; the message is for the user."""


@dataclass
class Row:
    number: int  # as the user sees it in the spreadsheet (header is row 1)
    values: dict[str, str]


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


# C0 controls (NUL, TAB, CR, LF, …), DEL, C1 controls and the Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_text(text: str) -> str:
    """A cell's text as one clean line: every control character (NUL, CR, LF, TAB, \\x00-\\x1f,
    \\x7f, C1) becomes a space, runs of spaces become one, the ends are trimmed. Every cell of
    every import passes through here (``read_table``), so no name or title carries a line break
    or a NUL into the database, a PDF or a letter."""
    return " ".join(_CONTROL.sub(" ", text).split()) if text else ""


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith("'") and _is_formula_like(text[1:]):
        text = text[1:]  # our own CSV export's guard, read back
    return clean_text(text)


def read_table(data: bytes, columns: list[str], max_rows: int | None = None) -> list[Row]:
    """Rows of an uploaded XLSX or CSV file, keyed by the (lower-cased) header names, every cell
    through ``clean_text``.

    The type is judged from the content (app.uploads), not the name; the required ``columns``
    must exist; a file of more than ``max_rows`` data rows is refused with a message naming
    the cap (before any row is checked).
    """
    try:
        kind = uploads.check(data, uploads.TABLE_KINDS)
    except uploads.UploadError as exc:
        raise TableError(str(exc)) from exc
    if kind == "xlsx":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            raw = [[_clean(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many types for corrupt files
            raise TableError(_("Berkas XLSX tidak dapat dibaca.")) from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TableError(_("Berkas CSV harus berenkode UTF-8.")) from exc
        try:
            # Only the delimiter is guessed (Excel in Indonesian writes ";"); quoting stays
            # Excel's, which a header line alone cannot reveal.
            header_line = text.splitlines()[0] if text else ""
            delimiter = csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        raw = [[_clean(cell) for cell in row] for row in reader]

    if not raw or not any(raw[0]):
        raise TableError(_("Berkas kosong: baris pertama harus berisi nama kolom."))
    header = [cell.lower() for cell in raw[0]]
    missing = [column for column in columns if column not in header]
    if missing:
        raise TableError(_("Kolom wajib tidak ada: %(columns)s.", columns=", ".join(missing)))
    rows = []
    for number, cells in enumerate(raw[1:], start=2):
        if not any(cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        rows.append(Row(number, dict(zip(header, cells, strict=False))))
    if max_rows is not None and len(rows) > max_rows:
        raise TableError(
            _(
                "Berkas berisi %(count)s baris; paling banyak %(limit)s baris per impor. "
                "Bagi berkas menjadi beberapa bagian.",
                count=format_number(len(rows)),
                limit=format_number(max_rows),
            )
        )
    return rows


# Indonesian display formats for real date and time cells (LCID 0421 = Indonesian, so Excel
# and LibreOffice show "Senin, 4 Agustus 2025"; the dot in "09.30" is quoted to stay literal).
DATE_FORMAT = "[$-421]d mmmm yyyy"
DATETIME_FORMAT = '[$-421]d mmmm yyyy hh"."mm'
TIME_FORMAT = 'hh"."mm'
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\\/*?:\[\]]")
WIDTH_SAMPLE = 200  # rows looked at to size the columns (a write-only sheet is sized up front)


def sheet_name(text: str) -> str:
    """A readable sheet name: Excel allows 31 characters and none of \\ / * ? : [ ]."""
    text = " ".join(_FORBIDDEN_IN_SHEET_NAME.sub(" ", text or "").split()) or "Sheet"
    if len(text) <= 31:
        return text
    cut = text[:31].rsplit(" ", 1)[0]
    return cut if len(cut) >= 12 else text[:31].rstrip()


def _cell_text(value) -> str:
    if isinstance(value, datetime):
        return "00 September 0000 00.00"
    if isinstance(value, date):
        return "00 September 0000"
    return str(value if value is not None else "")


def xlsx_bytes(title: str, header: list[str], rows, *, title_rows=(), name: str = "") -> bytes:
    """An XLSX of one sheet, written row by row by XlsxWriter in constant-memory mode: time
    grows with the rows, not with their square, about three times faster than openpyxl's
    write-only mode. ``title_rows`` are printed above the header (acara, tanggal, …); dates,
    datetimes (naive, in the event's zone) and times become real cells with Indonesian display
    formats; text is never turned into a formula, a number or a link."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,  # each row leaves memory once the next is written
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    formats = {
        "title": book.add_format({"bold": True, "font_size": 12}),
        "header": book.add_format({"bold": True}),
        "text": book.add_format({"quote_prefix": True}),  # Excel's leading apostrophe
        datetime: book.add_format({"num_format": DATETIME_FORMAT}),
        date: book.add_format({"num_format": DATE_FORMAT}),
        time: book.add_format({"num_format": TIME_FORMAT}),
    }
    sheet = book.add_worksheet(sheet_name(name or title))
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    for index, column in enumerate(zip(header, *sample, strict=False)):
        width = max(len(_cell_text(value)) for value in column)
        sheet.set_column(index, index, min(max(width + 2, 10), 60))
    for number, line in enumerate(title_rows):
        _write(sheet, number, 0, line, formats, formats["title"])
    header_row = len(title_rows) + 1 if title_rows else 0  # a blank line under the titles
    for column, text in enumerate(header):
        _write(sheet, header_row, column, text, formats, formats["header"])
    for number, row in enumerate(chain(sample, rows), start=header_row + 1):
        for column, value in enumerate(row):
            _write(sheet, number, column, value, formats)
    book.close()
    return out.getvalue()


def _write(sheet, row: int, column: int, value, formats: dict, style=None) -> None:
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, column, None, style)
    elif isinstance(value, str):
        # Text a spreadsheet would run as a formula stays text, and is marked so that it stays
        # text when someone edits the cell.
        formula_like = _is_formula_like(value)
        sheet.write_string(row, column, value, formats["text"] if formula_like else style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, datetime | date | time):
        kind = datetime if isinstance(value, datetime) else type(value)
        sheet.write_datetime(row, column, value, formats[kind])
    else:
        sheet.write_string(row, column, str(value), style)


CSV_CHUNK_ROWS = 500  # rows per chunk of a streamed CSV


def csv_chunks(header: list[str], rows) -> Iterator[bytes]:
    """A CSV file in chunks of ``CSV_CHUNK_ROWS`` rows, with a BOM so that Excel opens it as
    UTF-8; ``rows`` may be a generator, read once, so memory stays flat however long it is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    first = True
    for chunk in _batched(rows, CSV_CHUNK_ROWS):
        writer.writerows(["'" + v if _is_formula_like(v) else v for v in row] for row in chunk)
        yield _take(out, first)
        first = False
    if first:
        yield _take(out, first)


def _take(out: io.StringIO, first: bool) -> bytes:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return ("\ufeff" + text if first else text).encode()


def _batched(rows, size: int):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def csv_bytes(header: list[str], rows) -> bytes:
    return b"".join(csv_chunks(header, rows))


def table_response(
    basename: str, fmt: str, header: list[str], rows, *, title_rows=(), name: str = ""
) -> Response:
    """A download of the table as ``basename.xlsx`` or ``basename.csv`` (``title_rows`` and the
    sheet ``name`` only in the XLSX). ``rows`` may be a generator: the CSV is streamed from
    it, the XLSX written from it in write-only mode, both in time linear in the rows."""
    if fmt == "csv":
        # Streamed as it is written: the first bytes leave before the last row is read.
        body = stream_with_context(csv_chunks(header, rows))
        mimetype = "text/csv"  # Werkzeug adds the charset
    else:
        fmt = "xlsx"
        body = xlsx_bytes(basename, header, rows, title_rows=title_rows, name=name)
        mimetype = XLSX_MIMETYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{basename}.{fmt}"'},
    )
