"""The official invitation letter (surat undangan) of an event, as an A4 PDF (reportlab).

One letter per OPD ("Yth. Kepala <OPD>") with an attachment page listing the OPD's invited
officials, one letter per person, or every OPD's letter in one PDF. The layout follows the
usual Indonesian tata naskah dinas: letterhead (kop) and rule, place and date at the right,
Nomor/Sifat/Lampiran/Perihal, "Kepada Yth." address, opening, the day/time/place table,
closing, signature block (jabatan, name underlined, pangkat, NIP).

About 470 lines because the letter is a drawing with a fixed layout (tata naskah dinas); its
three jobs are all the letter's own: its settings (``InvitationLetter``), who is addressed,
and drawing it. The letterhead, styles and the document itself come from app/pdf.py, the kit
of every official PDF.
"""

import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from agenda.models import Event
from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.i18n import current_locale
from app.opds.models import Opd
from app.pdf import OFFICIAL_TABLE, document_pdf, kop, letter_styles, paragraph
from app.timeutil import to_zone, utcnow
from participants.facts import EventFacts, event_facts, indonesian
from participants.models import (
    PERSON_LEVELS,
    InvitationLetter,
    OpdHead,
    Person,
    Registration,
    default_head_title,
)
from participants.nip import format_nip

OBJECT_LABELS["InvitationLetter"] = _l("Surat undangan")

# Who a letter lists as invited: everyone still expected (not declined or cancelled).
LISTED_STATUSES = ("invited", "confirmed", "delegated")
LETTER_FIELDS = (
    "number",
    "nature",
    "attachment",
    "subject",
    "place",
    "letter_date",
    "opening",
    "closing",
    "dress_code",
    "signatory_name",
    "signatory_position",
    "signatory_rank",
    "signatory_nip",
)

# Tata naskah dinas: a wider left margin (for binding) than the house's other documents.
MARGINS = LEFT, RIGHT, TOP, BOTTOM = 25 * mm, 20 * mm, 12 * mm, 18 * mm
WIDTH = A4[0] - LEFT - RIGHT


# --- settings ---------------------------------------------------------------------------------


def letter_for(event: Event) -> InvitationLetter:
    """The event's letter settings; a new, unsaved one with the defaults if none yet."""
    letter = db.session.scalar(
        select(InvitationLetter).where(InvitationLetter.event_id == event.id)
    )
    if letter is not None:
        return letter
    letter = InvitationLetter(event_id=event.id)
    for column in InvitationLetter.__table__.columns:
        if column.key in LETTER_FIELDS:
            default = column.default.arg if column.default is not None else None
            setattr(letter, column.key, default if not callable(default) else None)
    letter.subject = f"Undangan {event.title}"[:200]
    return letter


def letter_gaps(letter: InvitationLetter) -> list[str]:
    """What a finished letter needs and this one lacks (in the reader's language): a letter
    with gaps is printed with a DRAF stamp on every page, so it cannot pass for a final one."""
    gaps = []
    if not (letter.number or "").strip():
        gaps.append(_("nomor surat"))
    if not (letter.signatory_name or "").strip() or not (letter.signatory_position or "").strip():
        gaps.append(_("penanda tangan"))
    return gaps


def save_letter(letter: InvitationLetter, **fields) -> InvitationLetter:
    creating = letter.id is None
    for key, value in fields.items():
        if key in LETTER_FIELDS:
            setattr(letter, key, value)
    if creating:
        db.session.add(letter)
    record(letter, "create" if creating else "update")
    return letter


# --- who is addressed ---------------------------------------------------------------------------


@dataclass
class Official:
    name: str
    position: str
    opd: str


@dataclass
class LetterTarget:
    """One letter: its addressee lines (after "Yth.") and, for an OPD, its attachment list."""

    addressee: list[str]
    officials: list[Official] | None  # None: no attachment page
    filename: str


_LEVEL_ORDER = case({level: rank for rank, level in enumerate(PERSON_LEVELS)}, value=Person.level)


def _listed(event: Event):
    return (
        select(Registration)
        .join(Registration.person)
        .join(Person.opd)
        .where(Registration.event_id == event.id, Registration.status.in_(LISTED_STATUSES))
        .options(contains_eager(Registration.person).contains_eager(Person.opd))
    )


def opd_targets(event: Event, opd_ids=None) -> list[LetterTarget]:
    """One letter per OPD with invited officials (or the given OPDs), in one query. The
    addressee is in Bahasa Indonesia whatever the organiser's language, like the letter."""
    query = _listed(event).order_by(Opd.code, _LEVEL_ORDER, Person.name, Registration.id)
    if opd_ids is not None:
        query = query.where(Opd.id.in_(list(opd_ids) or [0]))
    by_opd: dict[int, tuple[Opd, list[Official]]] = {}
    for registration in db.session.scalars(query):
        person = registration.person
        entry = by_opd.setdefault(person.opd_id, (person.opd, []))
        entry[1].append(Official(person.name, person.position_line, person.opd.name))
    if opd_ids is not None:  # an OPD without invited officials still gets its letter
        for opd in db.session.scalars(select(Opd).where(Opd.id.in_(list(opd_ids) or [0]))):
            by_opd.setdefault(opd.id, (opd, []))
    # Addressed to the office as the registry names it ("Plt. Kepala Dinas …", "Camat Batu").
    offices = {
        head.opd_id: head.title_line
        for head in db.session.scalars(select(OpdHead).where(OpdHead.opd_id.in_(list(by_opd))))
    }
    return [
        LetterTarget(
            [offices.get(opd.id) or default_head_title(opd)], officials, f"{opd.code}".lower()
        )
        for opd, officials in sorted(by_opd.values(), key=lambda item: item[0].code)
    ]


def person_target(registration: Registration) -> LetterTarget:
    """A letter to one person (in Bahasa Indonesia, like the letter)."""
    person = registration.person
    with indonesian():
        lines = [_("Bapak/Ibu %(name)s", name=person.name)]
    if person.position_line:
        lines.append(person.position_line)
    if person.affiliation:
        lines.append(person.opd.name if person.opd else person.affiliation)
    return LetterTarget(lines, None, f"{registration.id}")


def opd_summary(event: Event) -> list[tuple[Opd, int]]:
    """OPDs with invited officials and how many, for the letters page (one query)."""
    rows = db.session.execute(
        select(Opd, func.count(Registration.id))
        .join(Person, Person.opd_id == Opd.id)
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.event_id == event.id, Registration.status.in_(LISTED_STATUSES))
        .group_by(Opd.id)
        .order_by(Opd.code)
    ).all()
    return [(opd, count) for opd, count in rows]


def guests(event: Event, limit: int = 200) -> list[Registration]:
    """Invited people outside the OPDs (each gets a personal letter), by name, in one query."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.person)
        .where(
            Registration.event_id == event.id,
            Registration.status.in_(LISTED_STATUSES),
            Person.opd_id.is_(None),
        )
        .options(contains_eager(Registration.person))
        .order_by(Person.name)
        .limit(limit)
    ).all()


# --- PDF ------------------------------------------------------------------------------------------


def _plain_table(rows, widths, **extra) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT", **extra)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _letter_date(letter: InvitationLetter) -> date:
    return letter.letter_date or to_zone(utcnow()).date()


def _plain_date(value: date) -> str:
    """'21 Juli 2025'."""
    return format_date(value, "d MMMM y", locale=current_locale())


@dataclass
class _Context:
    event: Event
    letter: InvitationLetter
    facts: EventFacts
    styles: dict
    dated: str  # 'Batu, 21 Juli 2025'
    plain_date: str  # '21 Juli 2025'


def _letter(ctx: _Context, target: LetterTarget) -> list:
    s, letter, event = ctx.styles, ctx.letter, ctx.event
    colon = ":"
    meta_rows = [
        [paragraph(_("Nomor"), s["body"]), colon, paragraph(letter.number or "", s["body"])],
        [paragraph(_("Sifat"), s["body"]), colon, paragraph(letter.nature or "", s["body"])],
        [
            paragraph(_("Lampiran"), s["body"]),
            colon,
            paragraph(
                (letter.attachment or "-") if target.officials is not None else "-", s["body"]
            ),
        ],
        [
            paragraph(_("Perihal"), s["body"]),
            colon,
            paragraph(letter.subject or "", s["body"], "b"),
        ],
    ]
    meta = _plain_table(meta_rows, [22 * mm, 4 * mm, 62 * mm])
    address = [
        paragraph(_("Kepada"), s["body"]),
        paragraph(_("Yth. %(name)s", name=target.addressee[0]), s["body"]),
        *[paragraph(line, s["body"]) for line in target.addressee[1:]],
        paragraph(_("di –"), s["body"]),
        paragraph(_("TEMPAT"), s["body"], "u"),
    ]
    head = _plain_table(
        [["", paragraph(ctx.dated, s["body"])], [meta, address]],
        [WIDTH - 70 * mm, 70 * mm],
    )
    head.setStyle(TableStyle([("BOTTOMPADDING", (0, 0), (-1, 0), 4 * mm)]))

    indent = 26 * mm
    hours = ctx.facts.hours() or _("menyusul")
    detail_rows = [
        (_("Hari/tanggal"), ctx.facts.dates),
        (_("Pukul"), hours),
        (_("Tempat"), event.venue or "-"),
        (pgettext("kolom susunan acara", "Acara"), event.title),
    ]
    if letter.dress_code:
        detail_rows.append((_("Pakaian"), letter.dress_code))
    details = _plain_table(
        [
            [paragraph(label, s["body"]), colon, paragraph(value, s["body"])]
            for label, value in detail_rows
        ],
        [28 * mm, 4 * mm, WIDTH - indent - 32 * mm],
    )
    opening = letter.opening or _(
        "Dalam rangka pelaksanaan %(title)s, dengan hormat kami mengundang Bapak/Ibu untuk "
        "hadir pada:",
        title=event.title,
    )
    closing = letter.closing or _(
        "Demikian undangan ini kami sampaikan. Atas perhatian dan kehadiran Bapak/Ibu, kami "
        "ucapkan terima kasih."
    )
    body = _plain_table(
        [
            [paragraph(opening, s["justify"])],
            [Spacer(1, 2 * mm)],
            [details],
            [Spacer(1, 3 * mm)],
            [paragraph(closing, s["justify"])],
        ],
        [WIDTH - indent],
    )
    body.hAlign = "RIGHT"
    return [
        *kop(s, WIDTH),
        head,
        Spacer(1, 6 * mm),
        body,
        Spacer(1, 10 * mm),
        KeepTogether(_signature(ctx)),
    ]


def _signature(ctx: _Context) -> list:
    s, letter = ctx.styles, ctx.letter
    lines = [paragraph(line, s["body"]) for line in (letter.signatory_position or "").splitlines()]
    lines += [Spacer(1, 22 * mm), paragraph(letter.signatory_name or "", s["body"], "b", "u")]
    if letter.signatory_rank:
        lines.append(paragraph(letter.signatory_rank, s["body"]))
    if letter.signatory_nip:
        lines.append(paragraph(_("NIP. %(nip)s", nip=format_nip(letter.signatory_nip)), s["body"]))
    block = _plain_table([[line] for line in lines], [80 * mm])
    block.hAlign = "RIGHT"
    return [block]


def letter_issuer(position: str | None) -> str:
    """Whose letter it is: 'a.n. WALI KOTA BATU / SEKRETARIS DAERAH' → 'WALI KOTA BATU'
    (signed on behalf of); otherwise the signatory's whole position on one line."""
    lines = [line.strip() for line in (position or "").splitlines() if line.strip()]
    if not lines:
        return ""
    on_behalf = re.match(r"(?i)^(?:a\.?\s?n\.?|atas nama)\s+(.+)$", lines[0])
    return on_behalf.group(1) if on_behalf else " ".join(lines)


def _attachment(ctx: _Context, target: LetterTarget) -> list:
    s, letter = ctx.styles, ctx.letter
    colon = ":"
    issuer = letter_issuer(letter.signatory_position)
    reference = _plain_table(
        [
            [
                paragraph(_("Lampiran"), s["cell"]),
                colon,
                paragraph(_("Surat %(issuer)s", issuer=issuer).strip(), s["cell"]),
            ],
            [paragraph(_("Nomor"), s["cell"]), colon, paragraph(letter.number or "", s["cell"])],
            [paragraph(_("Tanggal"), s["cell"]), colon, paragraph(ctx.plain_date, s["cell"])],
            [paragraph(_("Perihal"), s["cell"]), colon, paragraph(letter.subject or "", s["cell"])],
        ],
        [20 * mm, 4 * mm, 66 * mm],
    )
    reference.hAlign = "RIGHT"
    flow = [
        reference,
        Spacer(1, 8 * mm),
        paragraph(_("DAFTAR UNDANGAN"), s["title"]),
        paragraph(ctx.event.title, s["title"]),
        paragraph(ctx.facts.dates, ParagraphStyle("d", parent=s["title"], fontName="Helvetica")),
        Spacer(1, 5 * mm),
    ]
    rows = [[paragraph(text, s["head"]) for text in (_("No."), _("Nama"), _("Jabatan"), _("OPD"))]]
    for number, official in enumerate(target.officials or [], start=1):
        rows.append(
            [
                paragraph(f"{number}.", s["cell"]),
                paragraph(official.name, s["cell"]),
                paragraph(official.position, s["cell"]),
                paragraph(official.opd, s["cell"]),
            ]
        )
    if len(rows) == 1:
        rows.append(["", paragraph(_("Belum ada pejabat yang diundang."), s["cell"]), "", ""])
    table = Table(
        rows,
        colWidths=[12 * mm, 0.34 * WIDTH, 0.34 * WIDTH, WIDTH - 12 * mm - 0.68 * WIDTH],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                *OFFICIAL_TABLE,
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    flow.append(table)
    if letter.signatory_name:
        flow += [Spacer(1, 10 * mm), KeepTogether(_signature(ctx))]
    return flow


def letters_pdf(event: Event, letter: InvitationLetter, targets: list[LetterTarget]) -> bytes:
    """One letter per target (each OPD letter followed by its attachment page), in one PDF."""
    with indonesian():
        facts = event_facts(event)
        letter_date = _letter_date(letter)
        plain = _plain_date(letter_date)
        ctx = _Context(
            event=event,
            letter=letter,
            facts=facts,
            styles=letter_styles(),
            dated=f"{letter.place}, {plain}" if letter.place else plain,
            plain_date=plain,
        )
        story: list = []
        for target in targets:
            if story:
                story.append(PageBreak())
            story += _letter(ctx, target)
            if target.officials is not None:
                story += [PageBreak(), *_attachment(ctx, target)]
        if not story:
            story = [
                *kop(ctx.styles, WIDTH),
                paragraph(_("Belum ada pejabat yang diundang."), ctx.styles["body"]),
            ]
        gaps = letter_gaps(letter)
        return document_pdf(
            story,
            title=f"{_('Surat Undangan')} – {event.title}",
            subject=letter.subject or _("Surat Undangan"),
            footer=None,  # a letter carries no page numbers
            margins=MARGINS,
            on_page=_draft_stamp(gaps) if gaps else None,
        )


def _draft_stamp(gaps: list[str]):
    """Draws "DRAF – belum diisi: nomor surat, penanda tangan" at the top of a page."""
    text = _("DRAF – belum diisi: %(gaps)s", gaps=", ".join(gaps))

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#b02a37"))
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 8 * mm, text)
        canvas.restoreState()

    return draw
