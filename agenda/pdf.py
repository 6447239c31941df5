"""The susunan acara as an A4 PDF (reportlab), with the same content as the print view; the
document itself (margins, page numbers, properties) comes from app/pdf.py."""

from flask_babel import gettext as _
from flask_babel import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from agenda.presenters import EventHeader
from agenda.printed import PrintDay
from app.pdf import MARGIN, document_pdf, paragraph

NAVY = colors.HexColor("#13315c")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["Normal"], fontName="Helvetica", fontSize=9, leading=11.5
    )
    return {
        "org": ParagraphStyle("org", parent=body, alignment=TA_CENTER, fontSize=10),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            alignment=TA_CENTER,
            fontName="Helvetica-Bold",
            fontSize=15,
            leading=19,
            spaceBefore=2,
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            alignment=TA_CENTER,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
        ),
        "meta": ParagraphStyle("meta", parent=body, alignment=TA_CENTER, fontSize=9.5, leading=12),
        "day": ParagraphStyle(
            "day",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            textColor=NAVY,
        ),
        "head": ParagraphStyle(
            "head", parent=body, fontName="Helvetica-Bold", textColor=colors.white
        ),
        "cell": body,
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8.5, leading=10.5, textColor=colors.HexColor("#333333")
        ),
        "empty": ParagraphStyle("empty", parent=body, alignment=TA_CENTER, spaceBefore=20),
    }


def agenda_pdf(
    header: EventHeader,
    days: list[PrintDay],
    *,
    organisation: str,
    footer: str,
) -> bytes:
    styles = _styles()
    story = [
        paragraph(organisation, styles["org"]),
        paragraph(_("SUSUNAN ACARA"), styles["heading"]),
        paragraph(header.title, styles["title"]),
        Spacer(1, 2 * mm),
        paragraph(header.dates, styles["meta"]),
    ]
    if header.venue:
        story.append(paragraph(header.venue, styles["meta"]))
    story.append(
        paragraph(_("Seluruh waktu dalam %(zone)s", zone=header.zone_label), styles["meta"])
    )
    width = A4[0] - 2 * MARGIN
    columns = [0.17 * width, 0.33 * width, 0.34 * width, 0.16 * width]
    heads = [
        _("Waktu"),
        pgettext("kolom susunan acara", "Acara"),
        _("Narasumber/Keterangan"),
        _("Tempat"),
    ]
    for day in days:
        # The day's heading is the table's first row, so it never stays behind alone at the
        # bottom of a page and comes back, with the column headings, on every next page.
        rows = [
            [paragraph(day.label, styles["day"]), "", "", ""],
            [paragraph(text, styles["head"]) for text in heads],
        ]
        for row in day.rows:
            title = [paragraph(row.title, styles["cell"])]
            if row.track:
                title.append(paragraph(row.track, styles["small"]))
            rows.append(
                [
                    [paragraph(row.times, styles["cell"])]
                    + (
                        [paragraph(_("(hari berikutnya)"), styles["small"])] if row.next_day else []
                    ),
                    title,
                    [paragraph(note, styles["small"]) for note in row.notes],
                    paragraph(row.place, styles["cell"]),
                ]
            )
        table = Table(rows, colWidths=columns, repeatRows=2, spaceBefore=8)
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (-1, 0)),
                    ("LEFTPADDING", (0, 0), (-1, 0), 0),
                    ("BACKGROUND", (0, 1), (-1, 1), NAVY),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 1), (-1, -1), 0.5, colors.HexColor("#9aa5b5")),
                    (
                        "ROWBACKGROUNDS",
                        (0, 2),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f2f4f8")],
                    ),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(table)
    if not days:
        story.append(paragraph(_("Belum ada sesi dalam susunan acara."), styles["empty"]))
    return document_pdf(
        story,
        title=f"{_('Susunan Acara')} – {header.title}",
        subject=_("Susunan Acara"),
        footer=footer,
    )
