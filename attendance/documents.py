"""The official attendance list (daftar hadir) of a day or a session, as A4 PDF and as XLSX.

It is the sheet an Indonesian office prints before a meeting and has signed at the door, and
the proof of attendance that the SPJ of the meeting's budget needs: everyone expected (a
delegate on the line of the head they stand in for), numbered in the order of the OPDs and
their positions, with the signature column in the usual alternating layout (odd numbers sign
on its left half, even numbers on its right, so that neighbouring signatures never collide)
and a closing block for the panitia. Times and statuses appear as they become known: printed
before the meeting it is the blank sheet to be signed; afterwards, the record.
"""

from dataclasses import dataclass
from datetime import date, time

from babel.dates import format_time
from flask_babel import format_date, ngettext, pgettext
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
from sqlalchemy import select

from app.extensions import db
from app.formatting import long_date, short_date, time_range
from app.i18n import current_locale
from app.pdf import (
    MARGIN,
    OFFICIAL_TABLE,
    document_pdf,
    kop,
    letter_styles,
    paragraph,
    signature_block,
)
from app.timeutil import to_zone, zone_abbreviation
from attendance.forms import STATUS_LABELS
from attendance.services import Row, Sheet
from participants.documents.letters import letter_for
from participants.models import OpdHead
from participants.nip import format_nip

# --- what the sheet says (shared by the PDF and the XLSX) -------------------------------------


@dataclass
class Line:
    """One numbered line of the daftar hadir."""

    number: int
    row: Row
    name: str
    nip: str
    position: str
    opd: str  # the OPD's name, or a guest's institution
    opd_short: str
    at: time | None  # first check-in, wall-clock time in the event's zone
    status: str  # empty while the person may still come
    note: str  # "mewakili …", the reason given for an absence


def lines(sheet: Sheet) -> list[Line]:
    zone = sheet.event.timezone
    result = []
    for number, row in enumerate(sheet.listing(), start=1):
        person, opd, head = row.person, row.opd, row.head
        notes = []
        if head is not None:
            notes.append(_("mewakili %(name)s", name=head.person.name))
        if row.note:
            notes.append(row.note)
        result.append(
            Line(
                number=number,
                row=row,
                name=person.name,
                nip=person.nip_display,
                position=person.position_line,
                opd=opd.name if opd else person.institution,
                opd_short=str(opd) if opd else person.institution,
                at=to_zone(row.checked_at, zone).time().replace(tzinfo=None, microsecond=0)
                if row.checked_at
                else None,
                status="" if row.status == "belum_hadir" else str(STATUS_LABELS[row.status]),
                note="; ".join(notes),
            )
        )
    return result


def _hours(sheet: Sheet) -> str:
    """'09.00–10.30 WIB': the session's time, or the day's from its first to its last session."""
    zone = sheet.event.timezone
    if sheet.session is not None:
        return time_range(sheet.session.starts_at, sheet.session.ends_at, zone)
    of_day = [
        s
        for s in sheet.event.sessions
        if not s.cancelled and to_zone(s.starts_at, zone).date() == sheet.day
    ]
    if not of_day:
        return ""
    return time_range(min(s.starts_at for s in of_day), max(s.ends_at for s in of_day), zone)


def title_lines(sheet: Sheet) -> list[tuple[str, str]]:
    """The title block under "DAFTAR HADIR": acara, hari/tanggal, pukul, tempat, sesi."""
    event, session = sheet.event, sheet.session
    place = event.venue
    if session is not None and session.room is not None:
        place = ", ".join(filter(None, [session.room.name, event.venue]))
    block = [
        (pgettext("daftar hadir", "Acara"), event.title),
        (_("Hari/tanggal"), long_date(sheet.day)),
        (_("Pukul"), _hours(sheet)),
        (_("Tempat"), place),
    ]
    if session is not None:
        block.append((_("Sesi"), session.title))
    return [(label, value) for label, value in block if value]


def scope_title(sheet: Sheet) -> str:
    day = long_date(sheet.day)
    if sheet.session is not None:
        return f"{sheet.session.title} · {day}"
    return day


def totals_line(sheet: Sheet) -> str:
    """'3 hadir dari 4 diharapkan; 1 sakit', or, before anyone came, how many are expected."""
    counts = sheet.counts()
    started = sheet.over or any(
        counts.get(status) for status in STATUS_LABELS if status != "belum_hadir"
    )
    if not started:
        return ngettext(
            "%(num)s peserta diharapkan hadir", "%(num)s peserta diharapkan hadir", sheet.expected
        )
    parts = [
        ngettext(
            "%(num)s hadir dari %(expected)s diharapkan",
            "%(num)s hadir dari %(expected)s diharapkan",
            sheet.present,
            expected=sheet.expected,
        )
    ]
    if counts.get("terlambat"):
        late = _("terlambat")
        parts[0] += f" ({counts['terlambat']} {late})"
    for status, label in (
        ("izin", _("izin")),
        ("sakit", _("sakit")),
        ("dinas_luar", _("dinas luar")),
        ("tidak_hadir", _("tidak hadir")),
    ):
        if counts.get(status):
            parts.append(f"{counts[status]} {label}")
    return "; ".join(parts)


@dataclass
class Signatory:
    """Who closes the sheet: the head of the organising unit when the registry names one
    (the Kepala Bagian who answers for the meeting's budget), else lines left for the panitia
    to fill by hand."""

    dated: str  # 'Batu, 28 Desember 2026'
    position: str
    name: str
    nip: str


def signatory(sheet: Sheet) -> Signatory:
    return event_signatory(sheet.event, sheet.day)


def event_signatory(event, day_: date) -> Signatory:
    """Who signs a document of ``event`` dated ``day_`` (the daftar hadir, the meeting
    report): the head of the organising unit, else the panitia by hand."""
    place = (letter_for(event).place or "").strip()
    day = format_date(day_, "d MMMM y")
    dated = f"{place}, {day}" if place else day
    head = None
    if event.organiser_opd_id is not None:
        head = db.session.scalar(select(OpdHead).where(OpdHead.opd_id == event.organiser_opd_id))
    if head is None:
        return Signatory(dated, _("Panitia"), "", "")
    return Signatory(dated, head.title_line, head.person.name, head.person.nip or "")


# --- XLSX ---------------------------------------------------------------------------------------


def attendance_table(sheet: Sheet) -> tuple[list[str], list[list]]:
    """Header and one row per line; "Waktu hadir" is a time cell (the event's zone) or empty."""
    header = [
        _("No"),
        _("Nama"),
        _("NIP"),
        _("Jabatan"),
        _("OPD"),
        _("Waktu hadir"),
        _("Status"),
        pgettext("daftar hadir", "Keterangan"),
    ]
    rows = [
        [line.number, line.name, line.nip, line.position, line.opd, line.at, line.status, line.note]
        for line in lines(sheet)
    ]
    return header, rows


def title_rows(sheet: Sheet) -> list[str]:
    rows = [_("DAFTAR HADIR")]
    rows += [f"{label}: {value}" for label, value in title_lines(sheet)]
    rows.append(_("Waktu hadir dalam %(zone)s", zone=zone_abbreviation(sheet.event.timezone)))
    return rows


def sheet_name(sheet: Sheet) -> str:
    """'Daftar hadir 28 Des 2026', or for a session '28 Des 2026 Pembukaan' (Excel keeps 31
    characters: app.tabular cuts at a word)."""
    day = short_date(sheet.day)
    if sheet.session is not None:
        return f"{day} {sheet.session.title}"
    return f"{_('Daftar hadir')} {day}"


# --- PDF ----------------------------------------------------------------------------------------

PADDING = 3  # points, left and right of each cell
SIGN_HALF = 21 * mm  # each half of the signature column


def _pdf_styles() -> dict[str, ParagraphStyle]:
    styles = letter_styles()
    # Never break a word inside (an OPD's short name, a NIP group): columns are sized for them.
    cell = ParagraphStyle(
        "dh-cell", parent=styles["cell"], fontSize=9, leading=11, splitLongWords=0
    )
    styles.update(
        {
            "dh-cell": cell,
            "dh-small": ParagraphStyle("dh-small", parent=cell, fontSize=8, leading=10),
            "dh-head": ParagraphStyle(
                "dh-head", parent=cell, fontName="Helvetica-Bold", splitLongWords=0
            ),
            "dh-label": ParagraphStyle("dh-label", parent=styles["body"], fontSize=10, leading=13),
            "dh-sign": ParagraphStyle("dh-sign", parent=cell, fontSize=8),
            "dh-sign-even": ParagraphStyle(
                "dh-sign-even", parent=cell, fontSize=8, alignment=TA_RIGHT
            ),
        }
    )
    return styles


def _clock(at: time | None) -> str:
    """'09.05' (the zone is in the column's heading); a wall-clock time, never shifted."""
    return format_time(at, "short", locale=current_locale()) if at else ""


def _longest_word(texts, style: ParagraphStyle) -> float:
    words = [word for text in texts for word in (text or "").split()]
    return max((stringWidth(w, style.fontName, style.fontSize) for w in words), default=0)


def _widths(heads: list[str], columns: list[list[str]], styles) -> list[float]:
    """Column widths on A4 portrait: the fixed columns as wide as their longest word (so no
    word is ever broken), the rest shared by name and position, the signature column last."""
    total = 210 * mm - 2 * MARGIN
    needed = [
        max(_longest_word([head], styles["dh-head"]), _longest_word(column, styles["dh-cell"]))
        + 2 * PADDING
        + 1
        for head, column in zip(heads, columns, strict=True)
    ]
    no, name, position, opd, at, status = needed
    fixed = [max(no, 7 * mm), None, None, max(opd, 16 * mm), max(at, 12 * mm), max(status, 15 * mm)]
    free = total - 2 * SIGN_HALF - sum(w for w in fixed if w)
    name_width = max(name, free * 0.55)
    fixed[1], fixed[2] = name_width, max(position, free - name_width)
    return [*fixed, SIGN_HALF, SIGN_HALF]


def attendance_pdf(sheet: Sheet) -> bytes:
    styles = _pdf_styles()
    cell, small, head = styles["dh-cell"], styles["dh-small"], styles["dh-head"]
    event = sheet.event
    zone = zone_abbreviation(event.timezone)
    story = [
        *kop(styles),
        paragraph(_("DAFTAR HADIR"), styles["title"]),
        Spacer(1, 3 * mm),
    ]
    label = styles["dh-label"]
    block = Table(
        [[paragraph(k, label), ":", paragraph(v, label)] for k, v in title_lines(sheet)],
        colWidths=[28 * mm, 4 * mm, 210 * mm - 2 * MARGIN - 32 * mm],
        hAlign="LEFT",
    )
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    story += [block, Spacer(1, 4 * mm)]

    heads = [
        _("No"),
        _("Nama / NIP"),
        _("Jabatan"),
        _("OPD"),
        _("Waktu hadir (%(zone)s)", zone=zone),
        pgettext("daftar hadir", "Keterangan"),
    ]
    found = lines(sheet)
    rows = [[*(paragraph(text, head) for text in heads), paragraph(_("Tanda tangan"), head), ""]]
    for line in found:
        name = [paragraph(line.name, cell)]
        if line.nip:
            name.append(paragraph(_("NIP. %(nip)s", nip=line.nip), small))
        if line.row.head is not None:
            name.append(paragraph(_("mewakili %(name)s", name=line.row.head.person.name), small))
        status = [paragraph(line.status, cell)]
        if line.row.note:
            status.append(paragraph(line.row.note, small))
        number = f"{line.number}."
        # Odd numbers sign on the left half, even ones on the right (the paper convention).
        if line.number % 2:
            sign = [[paragraph(number, styles["dh-sign"]), Spacer(1, 7 * mm)], ""]
        else:
            sign = ["", [paragraph(number, styles["dh-sign-even"]), Spacer(1, 7 * mm)]]
        rows.append(
            [
                paragraph(number, cell),
                name,
                paragraph(line.position, cell),
                paragraph(line.opd_short, cell),
                paragraph(_clock(line.at), cell),
                status,
                *sign,
            ]
        )
    widths = _widths(
        heads,
        [
            [f"{line.number}." for line in found],
            [f"{line.name} {line.nip}" for line in found],
            [line.position for line in found],
            [line.opd_short for line in found],
            ["00.00"],
            [line.status for line in found] + [line.row.note for line in found],
        ],
        styles,
    )
    commands = [
        *(c for c in OFFICIAL_TABLE if c[0] != "GRID"),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
        ("INNERGRID", (0, 0), (-3, -1), 0.5, colors.black),  # every column but the signature pair
        ("LINEBEFORE", (-2, 0), (-2, -1), 0.5, colors.black),
        ("LINEBELOW", (-2, 0), (-1, -1), 0.5, colors.black),
        ("SPAN", (-2, 0), (-1, 0)),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if not found:
        rows.append([paragraph(_("Belum ada peserta terdaftar."), cell), *[""] * 7])
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    story += [table, Spacer(1, 3 * mm), paragraph(totals_line(sheet), cell)]
    story.append(Spacer(1, 8 * mm))
    story.append(KeepTogether(_closing(signatory(sheet), styles)))
    return document_pdf(
        story,
        title=f"{_('Daftar hadir')} {event.title}",
        footer=f"{_('Daftar hadir')} · {event.title} · {scope_title(sheet)}",
    )


def _closing(who: Signatory, styles) -> list:
    block = signature_block(
        [who.dated, f"{who.position},"], who.name, format_nip(who.nip), styles["dh-label"]
    )
    block.hAlign = "RIGHT"
    return [block]
