"""Follow-up in numbers: OPDs ranked by completion, one OPD's picture, the recap export.

Every figure is counted in the database (GROUP BY), so the pages cost the same few queries
with 5 items or 10,000.
"""

from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy import extract, func, select
from sqlalchemy.orm import joinedload, selectinload

from agenda.models import Event, EventSeries
from app.extensions import db
from app.formatting import percent
from app.opds.models import Opd
from app.pdf import MARGIN, OFFICIAL_TABLE, document_pdf, kop, letter_styles, paragraph
from followup.models import ITEM_STATUSES, ActionItem, ProgressUpdate
from followup.services import counted, overdue_clause, today


@dataclass
class Scope:
    """Which items a dashboard or recap covers: one event, one series, one year, or all."""

    event_id: int | None = None
    series_id: int | None = None
    year: int | None = None

    def apply(self, query):
        if self.event_id:
            query = query.where(ActionItem.event_id == self.event_id)
        if self.series_id or self.year:
            query = query.join(Event, Event.id == ActionItem.event_id)
            if self.series_id:
                query = query.where(Event.series_id == self.series_id)
            if self.year:
                query = query.where(extract("year", Event.start_date) == self.year)
        return query


@dataclass
class Standing:
    opd: Opd
    total: int = 0
    counts: dict = field(default_factory=dict)
    overdue: int = 0
    progress: float = 0.0  # average of the items' accepted progress

    @property
    def completion(self) -> float:
        """Share of items judged "sesuai" among those that can be followed up."""
        countable = self.total - self.counts.get("tidak_dapat_ditindaklanjuti", 0)
        return 100 * self.counts.get("sesuai", 0) / countable if countable else 0.0


def standings(scope: Scope, opd_id: int | None = None) -> list[Standing]:
    """Per lead OPD: counted items by status, overdue, average progress; best completion
    first."""
    query = counted(
        select(
            ActionItem.lead_opd_id,
            ActionItem.status,
            func.count(),
            func.count().filter(overdue_clause()),  # FILTER: cheaper than SUM(CASE …) per row
            func.sum(ActionItem.progress),
        )
    ).group_by(ActionItem.lead_opd_id, ActionItem.status)
    if opd_id:
        query = query.where(ActionItem.lead_opd_id == opd_id)
    rows = db.session.execute(scope.apply(query)).all()
    if opd_id:  # one OPD's page has it loaded already: no second statement for it
        opds = {opd_id: db.session.get(Opd, opd_id)} if rows else {}
    else:
        ids = {r[0] for r in rows}
        opds = {o.id: o for o in db.session.scalars(select(Opd).where(Opd.id.in_(ids)))}
    table: dict[int, Standing] = {}
    sums: dict[int, int] = {}
    for opd_id_, status, count, late, progress in rows:
        standing = table.setdefault(
            opd_id_, Standing(opds[opd_id_], counts=dict.fromkeys(ITEM_STATUSES, 0))
        )
        standing.total += count
        standing.counts[status] = count
        standing.overdue += int(late or 0)
        sums[opd_id_] = sums.get(opd_id_, 0) + int(progress or 0)
    for opd_id_, standing in table.items():
        standing.progress = sums[opd_id_] / standing.total if standing.total else 0.0
    return sorted(table.values(), key=lambda s: (-s.completion, s.overdue, s.opd.code))


def standing_of(opd: Opd) -> Standing:
    """One OPD's standing over all its items (zeros when it leads none)."""
    found = standings(Scope(), opd.id)
    return found[0] if found else Standing(opd, counts=dict.fromkeys(ITEM_STATUSES, 0))


def scope_choices() -> tuple[list, list]:
    """The meetings (newest first) and series a dashboard may be narrowed to: (id, title) rows,
    all a menu needs (a city's years of meetings are not loaded whole for it)."""
    events = db.session.execute(
        select(Event.id, Event.title).order_by(Event.start_date.desc())
    ).all()
    series = db.session.execute(
        select(EventSeries.id, EventSeries.title).order_by(EventSeries.title)
    ).all()
    return events, series


def latest_updates(opd_id: int, limit: int = 5) -> list[ProgressUpdate]:
    return db.session.scalars(
        select(ProgressUpdate)
        .join(ActionItem, ActionItem.id == ProgressUpdate.item_id)
        .where(ActionItem.lead_opd_id == opd_id)
        .options(joinedload(ProgressUpdate.item), joinedload(ProgressUpdate.author))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
        .limit(limit)
    ).all()


def totals(items: list[Standing]) -> Standing:
    """The city as a whole (counts summed, progress weighted by items)."""
    total = Standing(opd=None, counts=dict.fromkeys(ITEM_STATUSES, 0))
    weighted = 0.0
    for s in items:
        total.total += s.total
        total.overdue += s.overdue
        weighted += s.progress * s.total
        for status, count in s.counts.items():
            total.counts[status] += count
    total.progress = weighted / total.total if total.total else 0.0
    return total


# --- recap (Rekap Tindak Lanjut) ----------------------------------------------------------------


def recap_items(scope: Scope) -> list[ActionItem]:
    """The counted items of ``scope``, by lead OPD: each decision once, at its latest link."""
    query = scope.apply(
        counted(select(ActionItem))
        .join(Opd, Opd.id == ActionItem.lead_opd_id)
        .options(
            joinedload(ActionItem.lead_opd),
            joinedload(ActionItem.event),
            selectinload(ActionItem.supporting_opds),
        )
        .order_by(Opd.code, ActionItem.due_on, ActionItem.id)
    )
    return db.session.scalars(query).unique().all()


def recap_subject(scope: Scope) -> tuple[str, str] | None:
    """The recap's title and file name: the event's, the series', or every event's; None when
    the event or series asked for does not exist."""
    if scope.event_id:
        event = db.session.get(Event, scope.event_id)
        return (event.title, f"rekap-tindak-lanjut-{event.slug}") if event else None
    if scope.series_id:
        series = db.session.get(EventSeries, scope.series_id)
        return (series.title, f"rekap-tindak-lanjut-seri-{series.id}") if series else None
    return _("Semua acara"), "rekap-tindak-lanjut"


def recap_table(
    items: list[ActionItem], statuses: dict, *, with_event: bool = True
) -> tuple[list[str], list[list]]:
    """Header and rows of the recap; the Acara column when the scope covers several meetings.
    Due dates stay dates (a date cell in the XLSX, an Indonesian date in the PDF)."""
    header = [
        _("OPD penanggung jawab"),
        _("Tindak lanjut"),
        *([_("Acara")] if with_event else []),
        _("OPD pendukung"),
        _("Batas waktu"),
        _("Status"),
        _("Progres (%)"),
        _("Lewat batas waktu"),
    ]
    now = today()
    rows = [
        [
            item.lead_opd.name,
            item.title,
            *([item.event.title] if with_event else []),
            ", ".join(o.code for o in item.supporting_opds),
            item.due_on,
            str(statuses[item.status]),
            item.progress,
            _("ya") if item.overdue_on(now) else "",
        ]
        for item in items
    ]
    return header, rows


def recap_pdf(title: str, items: list[ActionItem], statuses: dict, *, with_event=True) -> bytes:
    styles = letter_styles()
    cell, head = styles["cell"], styles["head"]
    now = today()
    story = [
        *kop(styles, landscape(A4)[0] - 2 * MARGIN),
        paragraph(_("REKAP TINDAK LANJUT"), styles["title"]),
        paragraph(title, styles["title"]),
        Spacer(1, 4 * mm),
    ]
    header = [_("Tindak lanjut"), _("OPD pendukung"), _("Batas waktu"), _("Status"), _("Progres")]
    widths = [110 * mm, 40 * mm, 28 * mm, 60 * mm, 22 * mm]
    if with_event:
        header.insert(1, _("Acara"))
        widths = [85 * mm, 45 * mm, 30 * mm, 28 * mm, 50 * mm, 22 * mm]
    data = [[paragraph(h, head) for h in header]]
    style = list(OFFICIAL_TABLE)
    current = None
    for item in items:
        if item.lead_opd.name != current:  # one band per OPD
            current = item.lead_opd.name
            data.append([paragraph(current, head)] + [""] * (len(header) - 1))
            style += [
                ("SPAN", (0, len(data) - 1), (-1, len(data) - 1)),
                ("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.HexColor("#f3f4f6")),
            ]
        status = str(statuses[item.status])
        if item.overdue_on(now):
            status = _("%(status)s (lewat batas waktu)", status=status)
        row = [
            paragraph(item.title, cell),
            paragraph(", ".join(o.code for o in item.supporting_opds), cell),
            paragraph(format_date(item.due_on, "d MMM y") if item.due_on else "—", cell),
            paragraph(status, cell),
            paragraph(percent(item.progress, 0), cell),
        ]
        if with_event:
            row.insert(1, paragraph(item.event.title, cell))
        data.append(row)
    if not items:
        data.append([paragraph(_("Belum ada tindak lanjut."), cell)] + [""] * (len(header) - 1))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    return document_pdf(
        story,
        title=_("Rekap tindak lanjut"),
        footer=f"{_('Rekap tindak lanjut')} · {title}",
        pagesize=landscape(A4),
    )
