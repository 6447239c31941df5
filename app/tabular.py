"""Spreadsheets in and out (XLSX via openpyxl, CSV), shared by every import and export."""

import csv
import io
import zipfile
from dataclasses import dataclass

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TableError(ValueError):
    """The uploaded file cannot be read as a table; the message is for the user."""


@dataclass
class Row:
    number: int  # as the user sees it in the spreadsheet (header is row 1)
    values: dict[str, str]


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(filename: str, data: bytes, columns: list[str]) -> list[Row]:
    """Rows of an uploaded XLSX or CSV file, keyed by the (lower-cased) header names.

    Checks the real type, not only the name, and that the required ``columns`` exist.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise TableError(_("Berkas bukan XLSX yang sah."))
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            raw = [[_clean(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many types for corrupt files
            raise TableError(_("Berkas XLSX tidak dapat dibaca.")) from exc
    elif name.endswith(".csv"):
        if b"\x00" in data[:4096]:
            raise TableError(_("Berkas CSV harus berupa teks."))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TableError(_("Berkas CSV harus berenkode UTF-8.")) from exc
        try:
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw = [[_clean(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise TableError(_("Jenis berkas tidak didukung. Unggah berkas .xlsx atau .csv."))

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
    return rows


def xlsx_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # BOM so Excel opens it as UTF-8


def table_response(basename: str, fmt: str, header: list[str], rows: list[list]) -> Response:
    """A download of the table as ``basename.xlsx`` or ``basename.csv``."""
    if fmt == "csv":
        body, mimetype = csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        fmt = "xlsx"
        body, mimetype = xlsx_bytes(basename, header, rows), XLSX_MIMETYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{basename}.{fmt}"'},
    )
