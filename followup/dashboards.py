"""Follow-up in numbers: OPDs ranked by completion, one OPD's picture, the recap export.

Every figure is counted in the database (GROUP BY), so the pages cost the same few queries
with 5 items or 10,000.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import joinedload, selectinload

from agenda.models import Event
from agenda.pdf import document_pdf
from app.extensions import db
from app.opds.models import Opd
from followup.models import ITEM_STATUSES, OPEN_STATUSES, ActionItem, ProgressUpdate
from followup.services import today
from participants.documents.letters import OFFICIAL_TABLE, kop, letter_styles, paragraph


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
    """Per lead OPD: items by status, overdue, average progress; best completion first."""
    overdue = case(
        (ActionItem.due_on < today(), case((ActionItem.status.in_(OPEN_STATUSES), 1), else_=0)),
        else_=0,
    )
    query = select(
        ActionItem.lead_opd_id,
        ActionItem.status,
        func.count(),
        func.sum(overdue),
        func.sum(ActionItem.progress),
    ).group_by(ActionItem.lead_opd_id, ActionItem.status)
    if opd_id:
        query = query.where(ActionItem.lead_opd_id == opd_id)
    rows = db.session.execute(scope.apply(query)).all()
    opds = {
        o.id: o for o in db.session.scalars(select(Opd).where(Opd.id.in_({r[0] for r in rows})))
    }
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
    query = scope.apply(
        select(ActionItem)
        .join(Opd, Opd.id == ActionItem.lead_opd_id)
        .options(
            joinedload(ActionItem.lead_opd),
            joinedload(ActionItem.event),
            selectinload(ActionItem.supporting_opds),
        )
        .order_by(Opd.code, ActionItem.due_on, ActionItem.id)
    )
    return db.session.scalars(query).unique().all()


def recap_table(items: list[ActionItem], statuses: dict) -> tuple[list[str], list[list]]:
    header = [
        _("OPD penanggung jawab"),
        _("Tindak lanjut"),
        _("Acara"),
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
            item.event.title,
            ", ".join(o.code for o in item.supporting_opds),
            item.due_on.isoformat() if item.due_on else "",
            str(statuses[item.status]),
            item.progress,
            _("ya") if item.overdue_on(now) else "",
        ]
        for item in items
    ]
    return header, rows


def recap_pdf(title: str, items: list[ActionItem], statuses: dict) -> bytes:
    styles = letter_styles()
    header, rows = recap_table(items, statuses)
    cell, head = styles["cell"], styles["head"]
    story = [
        *kop(styles),
        paragraph(_("REKAP TINDAK LANJUT"), styles["title"]),
        paragraph(title, styles["title"]),
        Spacer(1, 4 * mm),
    ]
    data = [[paragraph(h, head) for h in [header[1], header[3], header[4], header[5], header[6]]]]
    style = list(OFFICIAL_TABLE)
    current = None
    for row in rows:
        if row[0] != current:  # one band per OPD
            current = row[0]
            data.append([paragraph(current, head), "", "", "", ""])
            style += [
                ("SPAN", (0, len(data) - 1), (-1, len(data) - 1)),
                ("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.HexColor("#f3f4f6")),
            ]
        overdue = f" ({_('lewat batas waktu')})" if row[7] else ""
        data.append(
            [
                paragraph(row[1], cell),
                paragraph(row[3], cell),
                paragraph(row[4], cell),
                paragraph(row[5] + overdue, cell),
                paragraph(f"{row[6]}%", cell),
            ]
        )
    if not items:
        data.append([paragraph(_("Belum ada tindak lanjut."), cell), "", "", "", ""])
    table = Table(data, colWidths=[110 * mm, 40 * mm, 28 * mm, 60 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    return document_pdf(
        story,
        title=_("Rekap tindak lanjut"),
        footer=f"{_('Rekap tindak lanjut')} · {title}",
        pagesize=landscape(A4),
    )
