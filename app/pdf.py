"""The city's official documents as PDF (reportlab): one kit for every package.

A letterhead (kop surat: the ``LETTERHEAD`` lines, else the organisation's name and
"SEKRETARIAT DAERAH", over a double rule), the type styles and the table grid of an official
document, and the document itself: A4 with the house margins, "Halaman X dari Y" and a footer
on every page, the organisation as author. Lists, recaps, reports, rankings and letters are built
from these; a document drawn freely on a canvas (badges, certificates) starts from
``official_canvas`` so it carries the same properties. Like app/tabular.py for spreadsheets.

    styles = letter_styles()
    story = [*kop(styles), paragraph(_("DAFTAR HADIR"), styles["title"]), table]
    return document_pdf(story, title=title, footer=title)
"""

from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.organisation.services import kop_content

MARGIN = 15 * mm
# left, right, top, bottom; the bottom leaves room for the page footer.
MARGINS = (MARGIN, MARGIN, MARGIN, 18 * mm)
CREATOR = "Sinergi"

# The table of an official document: black grid, shaded header row, cells aligned to the top.
OFFICIAL_TABLE = (
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e9ef")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
)


def organisation() -> str:
    return current_app.config.get("ORGANISATION_NAME", "")


def letterhead_lines() -> list[str]:
    """The kop's lines: as the administrator set them (/admin/kop-surat), else ``LETTERHEAD``
    (a list, or text with one line per line or separated by "|"), else the organisation's name
    and "SEKRETARIAT DAERAH"."""
    return kop_content().lines


def letter_styles() -> dict[str, ParagraphStyle]:
    """The styles of an official document: body text, the kop's three sizes, titles, cells."""
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "letter", parent=base["Normal"], fontName="Helvetica", fontSize=11, leading=15
    )
    return {
        "body": body,
        "justify": ParagraphStyle("justify", parent=body, alignment=TA_JUSTIFY, firstLineIndent=0),
        "kop1": ParagraphStyle(
            "kop1",
            parent=body,
            alignment=TA_CENTER,
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=17,
        ),
        "kop2": ParagraphStyle(
            "kop2",
            parent=body,
            alignment=TA_CENTER,
            fontName="Helvetica-Bold",
            fontSize=16,
            leading=20,
        ),
        "kop3": ParagraphStyle("kop3", parent=body, alignment=TA_CENTER, fontSize=9, leading=11),
        "title": ParagraphStyle(
            "title", parent=body, alignment=TA_CENTER, fontName="Helvetica-Bold", fontSize=12
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10, leading=12.5),
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=10),
    }


def paragraph(text: str, style: ParagraphStyle, *tags: str) -> Paragraph:
    """A paragraph of plain text (escaped; newlines kept), optionally inside ``tags`` (b, u)."""
    content = escape(text or "").replace("\n", "<br/>")
    for tag in tags:
        content = f"<{tag}>{content}</{tag}>"
    return Paragraph(content, style)


EMBLEM_HEIGHT = 24 * mm


def kop(styles, width: float | None = None) -> list:
    """The letterhead (kop surat) and its double rule; ``styles`` from ``letter_styles()``:
    the emblem (lambang) on the left when one is set, the name lines, then the address,
    telephone and website line (/admin/kop-surat); ``width`` of the text (the page's)."""
    content = kop_content()
    lines = []
    for index, line in enumerate(content.lines):
        style = styles["kop1"] if index == 0 else styles["kop2"] if index == 1 else styles["kop3"]
        lines.append(paragraph(line, style))
    if content.contact:
        lines.append(paragraph(content.contact, styles["kop3"]))
    flow: list = []
    if content.emblem:
        image = ImageReader(BytesIO(content.emblem))
        across, high = image.getSize()
        emblem = Image(
            BytesIO(content.emblem),
            width=EMBLEM_HEIGHT * across / high,
            height=EMBLEM_HEIGHT,
        )
        full = width or A4[0] - 2 * MARGIN
        side = EMBLEM_HEIGHT * across / high + 4 * mm
        # The lines stay centred on the page: an empty column on the right balances the emblem.
        head = Table([[emblem, lines, ""]], colWidths=[side, full - 2 * side, side])
        head.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        flow.append(head)
    else:
        flow += lines
    flow += [
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=2, color=colors.black, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceAfter=5 * mm),
    ]
    return flow


CELL_PADDING = 12  # a table cell's left and right padding together (reportlab's 6 + 6 points)


def fit_heads(heads: list[str], widths: list[float], style, flexible: int) -> list[float]:
    """Column widths in which no head breaks inside a word (in any language): a column too
    narrow for its head's longest word grows, and column ``flexible`` (a name) gives up
    the room."""
    fitted = []
    for head, width in zip(heads, widths, strict=True):
        words = head.split() or [""]
        longest = max(stringWidth(w, style.fontName, style.fontSize) for w in words)
        fitted.append(max(width, longest + CELL_PADDING + 1))
    fitted[flexible] -= sum(fitted) - sum(widths)
    return fitted


def signature_block(lines: list[str], name: str, nip: str, style, width: float = 75 * mm):
    """A signature: the ``lines`` above it (place and date, "Mengetahui,", the position), room
    to sign, the name (bold, underlined; dots to write it by hand when unknown) and "NIP."
    (``nip`` as it is to be printed, dots when unknown)."""
    rows = [paragraph(line, style) for line in lines] + [Spacer(1, 18 * mm)]
    rows.append(
        paragraph(name, style, "b", "u") if name else paragraph("(" + "." * 50 + ")", style)
    )
    rows.append(paragraph(_("NIP. %(nip)s", nip=nip or "." * 40), style))
    block = Table([[row] for row in rows], colWidths=[width])
    block.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return block


def numbered_canvas(footer: str, page_width: float = A4[0]):
    """A canvas class that writes ``footer`` and "Halaman X dari Y" at the foot of each page."""
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


def document_pdf(
    story: list,
    *,
    title: str,
    footer: str | None,
    pagesize=A4,
    subject: str | None = None,
    margins: tuple[float, float, float, float] = MARGINS,
    on_page: Callable | None = None,
) -> bytes:
    """An official document (lists, recaps, reports, letters): the margins (left, right, top,
    bottom), the PDF's title, subject and author (the organisation), and on every page
    ``footer`` with "page X of Y" (``footer=None``: no page numbers, as on a letter) and
    whatever ``on_page(canvas, doc)`` draws (a DRAF stamp)."""
    out = BytesIO()
    left, right, top, bottom = margins
    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=organisation(),
        subject=subject or title,
        creator=CREATOR,
    )
    extra = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
    if footer is not None:
        extra["canvasmaker"] = numbered_canvas(footer, pagesize[0])
    doc.build(story, **extra)
    return out.getvalue()


def official_canvas(
    out,
    *,
    title: str,
    subject: str | None = None,
    author: str | None = None,
    pagesize=A4,
    **options,
) -> Canvas:
    """A blank canvas for a document drawn by hand (badges, certificates), with the same
    properties as ``document_pdf``'s: title, subject, the organisation as author (pass
    ``author`` when drawing outside the app context, e.g. in a streamed response)."""
    canvas = Canvas(out, pagesize=pagesize, **options)
    canvas.setTitle(title)
    canvas.setAuthor(organisation() if author is None else author)
    canvas.setSubject(subject or title)
    canvas.setCreator(CREATOR)
    return canvas
