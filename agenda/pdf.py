"""The susunan acara as an A4 PDF (reportlab), with the same content as the print view."""

from io import BytesIO
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from flask_babel import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from agenda.presenters import EventHeader
from agenda.printed import PrintDay

MARGIN = 15 * mm
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


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def numbered_canvas(footer: str, page_width: float = A4[0]):
    page_label = _("Halaman %(page)s dari %(pages)s")

    class NumberedCanvas(Canvas):
        """Holds the pages back until the end so each can say 'page X of Y'."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802  (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(MARGIN, 9 * mm, footer)
                self.drawRightString(
                    page_width - MARGIN,
                    9 * mm,
                    page_label % {"page": self._pageNumber, "pages": total},
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def agenda_pdf(
    header: EventHeader,
    days: list[PrintDay],
    *,
    organisation: str,
    footer: str,
) -> bytes:
    styles = _styles()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=f"{_('Susunan Acara')} – {header.title}",
        author=organisation,
        subject=_("Susunan Acara"),
        creator="Sinergi",
    )
    story = [
        _p(organisation, styles["org"]),
        _p(_("SUSUNAN ACARA"), styles["heading"]),
        _p(header.title, styles["title"]),
        Spacer(1, 2 * mm),
        _p(header.dates, styles["meta"]),
    ]
    if header.venue:
        story.append(_p(header.venue, styles["meta"]))
    story.append(_p(_("Seluruh waktu dalam %(zone)s", zone=header.zone_label), styles["meta"]))
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
            [_p(day.label, styles["day"]), "", "", ""],
            [_p(text, styles["head"]) for text in heads],
        ]
        for row in day.rows:
            title = [_p(row.title, styles["cell"])]
            if row.track:
                title.append(_p(row.track, styles["small"]))
            rows.append(
                [
                    [_p(row.times, styles["cell"])]
                    + ([_p(_("(hari berikutnya)"), styles["small"])] if row.next_day else []),
                    title,
                    [_p(note, styles["small"]) for note in row.notes],
                    _p(row.place, styles["cell"]),
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
        story.append(_p(_("Belum ada sesi dalam susunan acara."), styles["empty"]))
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def document_pdf(story: list, *, title: str, footer: str, pagesize=A4) -> bytes:
    """An official document (lists, recaps, reports): the house margins, the PDF title, and
    "page X of Y" with ``footer`` on every page."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=title,
    )
    doc.build(story, canvasmaker=numbered_canvas(footer, pagesize[0]))
    return out.getvalue()
