"""Badges (name tags) carrying the pass QR, and the participant list as a spreadsheet.

Badges are drawn with reportlab on A4 sheets of 2 × 4 badges of 95 × 68 mm, with light cut
lines between them; a single badge uses the same sheet with one badge in the first place.

Who gets a badge in an event's batch: the people expected to attend, i.e. registrations whose
status is ``invited`` or ``confirmed``. A delegate has a registration of its own with one of
these statuses, so delegates are included; a head who sent a delegate (``delegated``) and
``declined`` or ``cancelled`` registrations are left out.

A badge QR carries only the registration's pass token (``participants.passes``), never any
personal data. Drawing works on plain, already translated values (``Badge``, ``SheetText``):
the view collects them while the request and database session are open, and the PDF can
then be drawn while the response is already being sent.

About 500 lines because a badge sheet is a drawing: measurements, fonts and fitting long names
and titles into a fixed box; nothing else lives here.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import BinaryIO

from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from agenda.models import Event
from app.extensions import db
from app.formatting import with_kind
from app.i18n import current_locale
from app.pdf import official_canvas
from participants import passes
from participants.forms import REGISTRATION_STATUS_LABELS, ROLE_LABELS
from participants.models import REGISTRATION_ROLES, Person, Registration
from participants.registrations.core import SEAT_STATUSES

# --- vocabulary ------------------------------------------------------------------------------

# Who is expected to attend, and so gets a badge: the registrations that hold a seat
# (invited and confirmed; a delegate's own registration is one of them).
EXPECTED_STATUSES = SEAT_STATUSES

# Band colour and the colour of the role word on it. The role word is always printed, so a
# black-and-white print still tells the roles apart.
ROLE_COLOURS = {
    "peserta": (colors.HexColor("#1f5fbf"), colors.white),
    "narasumber": (colors.HexColor("#c62828"), colors.white),
    "panitia": (colors.HexColor("#2e7d32"), colors.white),
    "undangan": (colors.HexColor("#d4a017"), colors.HexColor("#1a1a1a")),
}
assert set(ROLE_COLOURS) == set(REGISTRATION_ROLES)

# --- sheet geometry (points) -----------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
BADGE_WIDTH, BADGE_HEIGHT = 95 * mm, 68 * mm
LEFT = (PAGE_WIDTH - COLUMNS * BADGE_WIDTH) / 2
BOTTOM = (PAGE_HEIGHT - ROWS * BADGE_HEIGHT) / 2
BAND = 12 * mm  # role colour band at the top of the badge
PAD = 4 * mm
QR_SIZE = 38 * mm  # the QR image, quiet zone included: about 1 mm per module
QR_BOX = 4  # pixels per module in the embedded PNG (sharp at any zoom: whole pixels per module)
QR_X = BADGE_WIDTH - 2 * mm - QR_SIZE
QR_TOP = BADGE_HEIGHT - BAND - 1 * mm
TEXT_WIDTH = QR_X - PAD  # the left column: name, position, OPD, event
LEADING = 1.18
ASCENT = 0.76  # baseline below the top of a line, as a share of the font size

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
GREY = colors.HexColor("#555555")
CUT = colors.HexColor("#b5b5b5")
ELLIPSIS = "…"


@dataclass(frozen=True)
class Badge:
    """What one badge shows (plain, translated text)."""

    registration_id: int
    name: str
    position: str
    affiliation: str  # OPD short name or institution
    role: str
    role_label: str
    group: str
    token: str  # pass token: the only content of the QR


@dataclass(frozen=True)
class SheetText:
    """The event and the sheet's fixed words (translated)."""

    title: str
    dates: str
    venue: str
    organisation: str
    group_label: str
    page_label: str  # "… %(page)s … %(pages)s"
    document_title: str
    empty: str  # shown on the sheet when no one is expected


@dataclass(frozen=True)
class Text:
    """One line of text placed on a badge (badge coordinates, points)."""

    x: float
    y: float  # baseline
    font: str
    size: float
    text: str
    align: str = "left"  # left, centre or right (x is then the centre or the right edge)
    colour: object = colors.black

    @property
    def width(self) -> float:
        return stringWidth(self.text, self.font, self.size)

    @property
    def left(self) -> float:
        if self.align == "centre":
            return self.x - self.width / 2
        if self.align == "right":
            return self.x - self.width
        return self.x


# --- data --------------------------------------------------------------------------------------


def date_span(start: date, end: date, locale: str | None = None) -> str:
    """'16–18 Mei 2025', '30 Mei – 1 Juni 2025', '4 Agustus 2025' (month names from CLDR)."""
    locale = locale or current_locale()
    last = format_date(end, "d MMMM y", locale=locale)
    if start == end:
        return last
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{last}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMMM', locale=locale)} – {last}"
    return f"{format_date(start, 'd MMMM y', locale=locale)} – {last}"


def _with_people(query):
    return query.options(joinedload(Registration.person).joinedload(Person.opd))


def _sort_key(registration: Registration):
    person = registration.person
    return (person.affiliation.casefold(), person.name.casefold(), registration.id)


def expected_registrations(event: Event) -> list[Registration]:
    """The registrations that get a badge (see the module's docstring), by OPD then name.

    One query, whatever their number.
    """
    rows = db.session.scalars(
        _with_people(select(Registration)).where(
            Registration.event_id == event.id, Registration.status.in_(EXPECTED_STATUSES)
        )
    ).all()
    return sorted(rows, key=_sort_key)


def event_registration(event: Event, registration_id: int) -> Registration | None:
    """The registration with that id if it belongs to ``event`` (one query)."""
    return db.session.scalar(
        _with_people(select(Registration)).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def badge_for(registration: Registration) -> Badge:
    person = registration.person
    return Badge(
        registration_id=registration.id,
        name=person.name,
        position=person.position_line or "",
        affiliation=person.affiliation or "",
        role=registration.role,
        role_label=str(ROLE_LABELS.get(registration.role, registration.role)),
        group=registration.group or "",
        token=registration.pass_token,
    )


def sheet_text(event: Event) -> SheetText:
    return SheetText(
        title=event.title,
        dates=date_span(event.start_date, event.end_date),
        venue=event.venue or "",
        organisation=current_app.config.get("ORGANISATION_NAME", ""),
        group_label=_("Kelompok"),
        page_label=_("Halaman %(page)s dari %(pages)s"),
        document_title=_("Pass peserta – %(title)s", title=event.title),
        empty=_("Belum ada peserta yang diharapkan hadir pada acara ini."),
    )


# --- text fitting -----------------------------------------------------------------------------


def _fitting_chars(word: str, font: str, size: float, width: float) -> int:
    """How many leading characters of ``word`` fit in ``width`` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(word[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word longer than the line is cut where it must."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while stringWidth(word, font, size) > width:
            cut = _fitting_chars(word, font, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _ellipsize(line: str, font: str, size: float, width: float) -> str:
    line = line.rstrip()
    while line and stringWidth(line + ELLIPSIS, font, size) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def fit(
    text: str, font: str, size: float, min_size: float, width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest size (from ``size`` down to ``min_size``) at which ``text`` wraps into
    ``max_lines`` lines of ``width``; at ``min_size`` the rest is cut with an ellipsis."""
    while True:
        lines = wrap(text, font, size, width)
        if len(lines) <= max_lines or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], font, size, width)
    return size, lines


@dataclass
class _Block:
    font: str
    size: float
    lines: list[str]
    colour: object = colors.black

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def _place(block: _Block, x: float, top: float, align: str = "left") -> tuple[list[Text], float]:
    """The block's lines from ``top`` down; returns them and the y below the block."""
    placed = []
    for number, line in enumerate(block.lines):
        baseline = top - number * block.size * LEADING - block.size * ASCENT
        placed.append(Text(x, baseline, block.font, block.size, line, align, block.colour))
    return placed, top - block.height


# --- layout -----------------------------------------------------------------------------------

_GAP = 1.4 * mm
_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)  # at 0.6 the largest possible blocks always fit (tested)


def _person_blocks(badge: Badge, scale: float) -> list[_Block]:
    blocks = []
    size, lines = fit(badge.name, BOLD, 18 * scale, 8, TEXT_WIDTH, 4)
    blocks.append(_Block(BOLD, size, lines))
    if badge.position:
        size, lines = fit(badge.position, REGULAR, 9.5 * scale, 6.5, TEXT_WIDTH, 2)
        blocks.append(_Block(REGULAR, size, lines, GREY))
    if badge.affiliation:
        size, lines = fit(badge.affiliation, BOLD, 10 * scale, 6.5, TEXT_WIDTH, 2)
        blocks.append(_Block(BOLD, size, lines))
    return blocks


@dataclass
class BadgeLayout:
    texts: list[Text]
    rule_y: float  # a thin line between the person and the event


def layout_badge(badge: Badge, sheet: SheetText) -> BadgeLayout:
    """Every line of text of one badge, in badge coordinates (origin: bottom left).

    Nothing leaves its area: the name, position and OPD shrink together until they fit
    between the band and the event lines, and any text still too long is cut with "…".
    """
    ink = ROLE_COLOURS.get(badge.role, ROLE_COLOURS["peserta"])[1]
    texts: list[Text] = []

    # Band: the role word (large, upper case), the organisation on the right.
    role = badge.role_label.upper()
    role_size, role_lines = fit(role, BOLD, 15, 9, BADGE_WIDTH * 0.55, 1)
    band_baseline = BADGE_HEIGHT - BAND / 2 - role_size * 0.35
    texts.append(Text(PAD, band_baseline, BOLD, role_size, role_lines[0], colour=ink))
    room = BADGE_WIDTH - 2 * PAD - stringWidth(role_lines[0], BOLD, role_size) - 4 * mm
    if sheet.organisation and room > 10 * mm:
        size, lines = fit(sheet.organisation, REGULAR, 7.5, 6, room, 2)
        top = BADGE_HEIGHT - BAND / 2 + len(lines) * size * LEADING / 2
        placed, _bottom = _place(_Block(REGULAR, size, lines, ink), BADGE_WIDTH - PAD, top, "right")
        texts.extend(placed)

    # Under the QR: the group, if any.
    if badge.group:
        centre = QR_X + QR_SIZE / 2
        top = QR_TOP - QR_SIZE
        size = 6.5
        if with_kind(sheet.group_label, badge.group) != badge.group:  # "A", not "Kelompok A"
            placed, top = _place(
                _Block(REGULAR, size, [sheet.group_label.upper()], GREY), centre, top, "centre"
            )
            texts.extend(placed)
        size, lines = fit(badge.group, BOLD, 10, 7, QR_SIZE - 2 * mm, 2)
        placed, _bottom = _place(_Block(BOLD, size, lines), centre, top, "centre")
        texts.extend(placed)

    # Bottom of the left column: the event's title, dates and venue (wrapped onto a second
    # line and shrunk rather than cut: the venue is where the participant has to go).
    where = f"{sheet.dates} · {sheet.venue}" if sheet.venue else sheet.dates
    date_size, date_lines = fit(where, REGULAR, 7, 5.5, TEXT_WIDTH, 2)
    title_size, title_lines = fit(sheet.title, BOLD, 7.5, 6, TEXT_WIDTH, 2)
    event_blocks = [_Block(BOLD, title_size, title_lines), _Block(REGULAR, date_size, date_lines)]
    event_top = PAD + sum(block.height for block in event_blocks)
    top = event_top
    for block in event_blocks:
        placed, top = _place(block, PAD, top)
        texts.extend(placed)

    # The person, between the band and the event lines.
    column_top = BADGE_HEIGHT - BAND - 3.5 * mm
    room = column_top - event_top - 2 * mm
    for scale in _SCALES:
        blocks = _person_blocks(badge, scale)
        if sum(block.height for block in blocks) + _GAP * (len(blocks) - 1) <= room:
            break
    top = column_top
    for block in blocks:
        placed, top = _place(block, PAD, top)
        texts.extend(placed)
        top -= _GAP
    return BadgeLayout(texts, event_top + 1 * mm)


# --- drawing ----------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _qr_png(token: str) -> bytes:
    """The pass QR as PNG, kept per token: a reprint costs no new QR (a reissued pass has a
    new token, so it never reuses an old picture)."""
    return passes.qr_png(token, box_size=QR_BOX)


def qr_image(token: str) -> ImageReader:
    # Grey (8-bit) rather than the RGB reportlab would make of a 1-bit PNG: a third the data.
    return ImageReader(Image.open(io.BytesIO(_qr_png(token))).convert("L"))


def _slot(index: int) -> tuple[float, float]:
    """Bottom-left corner of the badge in place ``index`` of a sheet (rows from the top)."""
    row, column = divmod(index, COLUMNS)
    return LEFT + column * BADGE_WIDTH, BOTTOM + (ROWS - 1 - row) * BADGE_HEIGHT


def _cut_lines(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(CUT)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    for column in range(COLUMNS + 1):
        x = LEFT + column * BADGE_WIDTH
        canvas.line(x, 4 * mm, x, PAGE_HEIGHT - 4 * mm)
    for row in range(ROWS + 1):
        y = BOTTOM + row * BADGE_HEIGHT
        canvas.line(4 * mm, y, PAGE_WIDTH - 4 * mm, y)
    canvas.restoreState()


def _draw_text(canvas: Canvas, x: float, y: float, text: Text) -> None:
    canvas.setFillColor(text.colour)
    canvas.setFont(text.font, text.size)
    if text.align == "centre":
        canvas.drawCentredString(x + text.x, y + text.y, text.text)
    elif text.align == "right":
        canvas.drawRightString(x + text.x, y + text.y, text.text)
    else:
        canvas.drawString(x + text.x, y + text.y, text.text)


def _draw_badge(canvas: Canvas, x: float, y: float, badge: Badge, sheet: SheetText) -> None:
    fill = ROLE_COLOURS.get(badge.role, ROLE_COLOURS["peserta"])[0]
    canvas.setFillColor(fill)
    canvas.rect(x, y + BADGE_HEIGHT - BAND, BADGE_WIDTH, BAND, stroke=0, fill=1)
    canvas.drawImage(qr_image(badge.token), x + QR_X, y + QR_TOP - QR_SIZE, QR_SIZE, QR_SIZE)
    layout = layout_badge(badge, sheet)
    canvas.setStrokeColor(fill)
    canvas.setLineWidth(0.6)
    canvas.line(x + PAD, y + layout.rule_y, x + PAD + TEXT_WIDTH, y + layout.rule_y)
    for text in layout.texts:
        _draw_text(canvas, x, y, text)


def draw_badges(out: BinaryIO, badges: Sequence[Badge], sheet: SheetText, progress=None) -> None:
    """Write the A4 badge sheets of ``badges`` as PDF to ``out``; ``progress(done, total)``
    after each sheet if given (a background build's progress bar)."""
    canvas = official_canvas(
        out, title=sheet.document_title, author=sheet.organisation, pageCompression=1
    )
    pages = max(1, -(-len(badges) // PER_PAGE))
    for page in range(pages):
        _cut_lines(canvas)
        for index, badge in enumerate(badges[page * PER_PAGE : (page + 1) * PER_PAGE]):
            x, y = _slot(index)
            _draw_badge(canvas, x, y, badge, sheet)
        canvas.setFillColor(GREY)
        canvas.setFont(REGULAR, 7)
        canvas.drawString(LEFT, BOTTOM / 2, sheet.title)
        canvas.drawRightString(
            PAGE_WIDTH - LEFT, BOTTOM / 2, sheet.page_label % {"page": page + 1, "pages": pages}
        )
        if not badges:
            canvas.setFillColor(colors.black)
            canvas.setFont(REGULAR, 11)
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT / 2, sheet.empty)
        canvas.showPage()
        if progress is not None:
            progress(min((page + 1) * PER_PAGE, len(badges)), len(badges))
    canvas.save()


def badges_pdf(badges: Sequence[Badge], sheet: SheetText) -> bytes:
    out = io.BytesIO()
    draw_badges(out, badges, sheet)
    return out.getvalue()


# --- participant list (XLSX) ------------------------------------------------------------------


def participant_list(event: Event) -> list[Registration]:
    """Every registration of the event, with person, OPD and the head a delegate stands in
    for, in one query; sorted by OPD then name."""
    head = joinedload(Registration.delegate_of).joinedload(Registration.person)
    rows = db.session.scalars(
        _with_people(select(Registration)).options(head).where(Registration.event_id == event.id)
    ).all()
    return sorted(rows, key=_sort_key)


def participant_table(registrations: Iterable[Registration]) -> tuple[list[str], list[list]]:
    header = [
        _("No"),
        _("Nama"),
        _("NIP"),
        _("Jabatan"),
        _("OPD/Instansi"),
        _("Peran"),
        _("Kelompok"),
        _("Status"),
        _("Mewakili"),
    ]
    rows = []
    for number, registration in enumerate(registrations, start=1):
        person = registration.person
        head = registration.delegate_of
        rows.append(
            [
                number,
                person.name,
                person.nip_display,
                person.position_line or "",
                person.affiliation or "",
                str(ROLE_LABELS.get(registration.role, registration.role)),
                registration.group or "",
                str(REGISTRATION_STATUS_LABELS.get(registration.status, registration.status)),
                head.person.name if head is not None else "",
            ]
        )
    return header, rows
