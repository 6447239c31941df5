"""The official attendance list (daftar hadir) of a day or a session, as A4 PDF and as XLSX."""

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from agenda.pdf import document_pdf
from app.formatting import time_in_zone
from attendance.services import Sheet
from participants.documents.letters import OFFICIAL_TABLE, kop, letter_styles, paragraph


def scope_title(sheet: Sheet) -> str:
    day = format_date(sheet.day, "EEEE, d MMMM y")
    if sheet.session is not None:
        return f"{sheet.session.title} · {day}"
    return day


def attendee_table(sheet: Sheet) -> tuple[list[str], list[list]]:
    """Header and one row per attendee (the XLSX; the PDF prints the same rows)."""
    header = [
        _("No"),
        _("Nama"),
        _("NIP"),
        _("Jabatan"),
        _("OPD"),
        _("Waktu hadir"),
        _("Keterangan"),
    ]
    rows = []
    for number, row in enumerate(sheet.attendees, start=1):
        person = row.person
        head = row.registration.delegate_of
        note = _("terlambat") if row.status == "terlambat" else ""
        if head is not None:
            note = ", ".join(filter(None, [_("mewakili %(name)s", name=head.person.name), note]))
        rows.append(
            [
                number,
                person.name,
                person.nip_display,
                person.position_line,
                row.opd.name if row.opd else person.institution,
                time_in_zone(row.checked_at, sheet.event.timezone),
                note,
            ]
        )
    return header, rows


def totals_line(sheet: Sheet) -> str:
    counts = sheet.counts()
    parts = [
        ngettext(
            "%(num)s hadir dari %(expected)s diharapkan",
            "%(num)s hadir dari %(expected)s diharapkan",
            sheet.present,
            expected=sheet.expected,
        )
    ]
    for status, label in (
        ("terlambat", _("terlambat")),
        ("izin", _("izin")),
        ("sakit", _("sakit")),
        ("dinas_luar", _("dinas luar")),
    ):
        if counts.get(status):
            parts.append(f"{counts[status]} {label}")
    return "; ".join(parts)


def attendance_pdf(sheet: Sheet) -> bytes:
    styles = letter_styles()
    header, rows = attendee_table(sheet)
    event = sheet.event
    story = [
        *kop(styles),
        paragraph(_("DAFTAR HADIR"), styles["title"]),
        paragraph(event.title, styles["title"]),
        paragraph(scope_title(sheet), styles["kop3"]),
        paragraph(event.venue, styles["kop3"]),
        Spacer(1, 4 * mm),
    ]
    cell, head = styles["cell"], styles["head"]
    table_rows = [[paragraph(text, head) for text in [*header[:6], _("Tanda tangan")]]]
    for values, attendee in zip(rows, sheet.attendees, strict=True):
        number, name, nip, position, opd, at, note = values
        opd = attendee.opd.short_name if attendee.opd else opd  # the narrow column: short name
        table_rows.append(
            [
                paragraph(str(number), cell),
                paragraph(name + (f"\n({note})" if note else ""), cell),
                paragraph(nip, cell),
                paragraph(position, cell),
                paragraph(opd, cell),
                paragraph(at, cell),
                # Signature column: odd rows sign left, even rows right (as paper lists do).
                paragraph(
                    f"{number}." if number % 2 else f"\u2003\u2003\u2003\u2003{number}.", cell
                ),
            ]
        )
    if not rows:
        table_rows.append([paragraph(_("Belum ada yang hadir."), cell), "", "", "", "", "", ""])
    widths = [10 * mm, 42 * mm, 31 * mm, 37 * mm, 22 * mm, 16 * mm, 22 * mm]
    table = Table(table_rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *OFFICIAL_TABLE,
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm), paragraph(totals_line(sheet), cell)]
    return document_pdf(
        story,
        title=f"{_('Daftar hadir')} {event.title}",
        footer=f"{_('Daftar hadir')} · {event.title} · {scope_title(sheet)}",
    )
