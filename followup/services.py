"""The rules of follow-up: items, progress updates with evidence, verification, the timeline,
and the one definition of which items count (``counted``) and which are overdue.

Every write is audited and flushed here; the caller commits (one request, one transaction).
Status changes go through the state machine in followup/lifecycle.py.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from agenda.models import Event
from app import uploads
from app.audit.services import ACTION_LABELS, OBJECT_LABELS, record, save_audited
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import to_zone, utcnow
from followup import lifecycle
from followup.lifecycle import FollowUpError
from followup.models import (
    CARRIED,
    ITEM_KINDS,
    ITEM_STATUSES,
    OPEN_STATUSES,
    ActionItem,
    Evidence,
    ProgressUpdate,
    action_item_support,
)

__all__ = ["FollowUpError"]  # raised by every write here; defined with the state machine

OBJECT_LABELS["ActionItem"] = _l("Tindak lanjut")
OBJECT_LABELS["ProgressUpdate"] = _l("Laporan progres")
ACTION_LABELS.setdefault("accept", _l("diterima"))
ACTION_LABELS.setdefault("return", _l("dikembalikan"))
MAX_EVIDENCE_FILES = 5


def today() -> date:
    return to_zone(utcnow()).date()


# --- what counts --------------------------------------------------------------------------------


def counted(query: Select) -> Select:
    """Only the items that count: one decision is counted once, at its latest link. An item
    carried over to a later meeting ("dilanjutkan") is counted there, as its continuation.
    Every count — dashboards, home panels, workspace, recaps, API — goes through here."""
    return query.where(ActionItem.status != CARRIED)


def overdue_clause(on: date | None = None):
    """Open and past its due date (the only definition of overdue; ActionItem.overdue_on is
    the same rule for one loaded item)."""
    return (ActionItem.due_on < (on or today())) & ActionItem.status.in_(OPEN_STATUSES)


# --- items ------------------------------------------------------------------------------------


def create_item(event, *, title: str, lead_opd: Opd, created_by=None, **fields) -> ActionItem:
    """A new action item of ``event`` (fields: description, kind, due_on, target, session,
    supporting_opds); audited."""
    title = (title or "").strip()
    if not title:
        raise FollowUpError(_l("Judul tindak lanjut wajib diisi."))
    if lead_opd is None:
        raise FollowUpError(_l("Pilih OPD penanggung jawab."))
    if fields.get("kind", "tugas") not in ITEM_KINDS:
        raise FollowUpError(_l("Jenis tindak lanjut tidak dikenal."))
    supporting = [o for o in fields.pop("supporting_opds", []) if o.id != lead_opd.id]
    item = ActionItem(
        event_id=event.id,
        title=title[:300],
        lead_opd_id=lead_opd.id,
        created_by_id=created_by.id if created_by is not None else None,
        **fields,
    )
    item.supporting_opds = supporting
    db.session.add(item)
    record(item, "create")
    return item


def update_item(
    item: ActionItem, *, supporting_opds=None, status=None, actor=None, **fields
) -> ActionItem:
    """Edit an item's details; a new ``status`` is the organiser's judgement, made through
    the state machine (refused, changing nothing, when the table does not allow it)."""
    if status is not None and status != item.status:
        lifecycle.move(item, status, lifecycle.SET, actor=actor)
    if supporting_opds is not None:
        lead = fields.get("lead_opd_id", item.lead_opd_id)
        item.supporting_opds = [o for o in supporting_opds if o.id != lead]
    return save_audited(item, **fields)


def item_query(
    user=None,
    *,
    event_id=None,
    opd_id=None,
    status="",
    overdue=False,
    due_month=False,
    pending_review=False,
    returned=False,
    include_carried=False,
):
    """Items, nearest deadline first, with what lists show loaded in a fixed number of
    queries. An OPD ``user`` gets only the items its OPD leads or supports. Carried-over
    originals are left out (``counted``) unless ``status="dilanjutkan"`` asks for them or
    ``include_carried`` (one meeting's own record of its decisions)."""
    query = (
        select(ActionItem)
        .options(
            joinedload(ActionItem.lead_opd),
            joinedload(ActionItem.event),
            selectinload(ActionItem.supporting_opds),
            selectinload(ActionItem.continuation).joinedload(ActionItem.event),
        )
        # NULLS LAST, not ``due_on IS NULL``: both databases then read the due_on index in
        # order and stop after a page instead of sorting every item.
        .order_by(ActionItem.due_on.asc().nulls_last(), ActionItem.id)
    )
    if user is not None and user.role == "opd":
        query = involving(query, user.opd_id)
    if opd_id:
        query = involving(query, opd_id)
    if event_id:
        query = query.where(ActionItem.event_id == event_id)
    if status == CARRIED:
        query = query.where(ActionItem.status == CARRIED)
    elif not include_carried:
        query = counted(query)
    if status in ITEM_STATUSES:
        query = query.where(ActionItem.status == status)
    if overdue:
        query = query.where(overdue_clause())
    if pending_review:
        waiting = select(ProgressUpdate.item_id).where(ProgressUpdate.review == "pending")
        query = query.where(ActionItem.id.in_(waiting))
    if returned:
        query = query.where(
            ActionItem.id.in_(_returned_items()), ActionItem.status.in_(OPEN_STATUSES)
        )
    if due_month:
        first = today().replace(day=1)
        following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
        query = query.where(ActionItem.due_on >= first, ActionItem.due_on < following)
    return query


def item_ids(query: Select) -> Select:
    """The ids of the items ``query`` selects, in its order (a list pages these and reads a page
    of rows with ``list_rows``)."""
    return query.with_only_columns(ActionItem.id)


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One item as the lists show it (followup/_status.html item_rows, the API's list)."""

    id: int
    title: str
    kind: str
    status: str
    due_on: date | None
    progress: int
    target: str | None
    created_at: datetime | None
    overdue: bool  # overdue_clause, computed by the database
    lead_code: str
    lead_name: str
    lead_short_name: str | None
    event_slug: str
    event_title: str
    supporting: list[tuple[str, str]]  # the supporting OPDs' (code, name), in code order
    carried_over_from_id: int | None
    continuation_id: int | None  # the item of a later meeting a carried-over one went on as
    continued_in: str | None  # that meeting's title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def supporting_codes(self) -> str:
        return ", ".join(code for code, _name in self.supporting)


# Made once: an alias builds its column collections (half a millisecond each).
_CONTINUATION = aliased(ActionItem)
_CONTINUED_EVENT = aliased(Event)


def list_rows(ids: list[int]) -> list[ItemRow]:
    """The rows of items ``ids``, in that order, in two statements (items with lead OPD,
    meeting and continuation; supporting OPDs) and without an ORM object per row."""
    if not ids:
        return []
    continuation, continued_event = _CONTINUATION, _CONTINUED_EVENT
    found = {
        row.id: row
        for row in db.session.execute(
            select(
                ActionItem.id,
                ActionItem.title,
                ActionItem.kind,
                ActionItem.status,
                ActionItem.due_on,
                ActionItem.progress,
                ActionItem.target,
                ActionItem.created_at,
                ActionItem.carried_over_from_id,
                overdue_clause().label("overdue"),
                Opd.code.label("lead_code"),
                Opd.name.label("lead_name"),
                Opd.short_name.label("lead_short_name"),
                Event.slug.label("event_slug"),
                Event.title.label("event_title"),
                continuation.id.label("continuation_id"),
                continued_event.title.label("continued_in"),
            )
            .join(Opd, Opd.id == ActionItem.lead_opd_id)
            .join(Event, Event.id == ActionItem.event_id)
            .outerjoin(continuation, continuation.carried_over_from_id == ActionItem.id)
            .outerjoin(continued_event, continued_event.id == continuation.event_id)
            .where(ActionItem.id.in_(ids))
        )
    }
    supporting: dict[int, list[tuple[str, str]]] = {}
    for item_id, code, name in db.session.execute(
        select(action_item_support.c.action_item_id, Opd.code, Opd.name)
        .join(Opd, Opd.id == action_item_support.c.opd_id)
        .where(action_item_support.c.action_item_id.in_(ids))
        .order_by(Opd.code)
    ):
        supporting.setdefault(item_id, []).append((code, name))
    return [
        ItemRow(
            id=row.id,
            title=row.title,
            kind=row.kind,
            status=row.status,
            due_on=row.due_on,
            progress=row.progress,
            target=row.target,
            created_at=row.created_at,
            overdue=bool(row.overdue),
            lead_code=row.lead_code,
            lead_name=row.lead_name,
            lead_short_name=row.lead_short_name,
            event_slug=row.event_slug,
            event_title=row.event_title,
            supporting=supporting.get(row.id, []),
            carried_over_from_id=row.carried_over_from_id,
            continuation_id=row.continuation_id,
            continued_in=row.continued_in,
        )
        for row in (found[i] for i in ids if i in found)
    ]


def _latest_reports(item_ids=None):
    """The id of each item's latest report (a subquery)."""
    query = select(func.max(ProgressUpdate.id)).group_by(ProgressUpdate.item_id)
    if item_ids is not None:
        query = query.where(ProgressUpdate.item_id.in_(item_ids))
    return query


def _returned_items():
    """Items whose latest report was returned: the OPD has to act."""
    return select(ProgressUpdate.item_id).where(
        ProgressUpdate.review == "returned", ProgressUpdate.id.in_(_latest_reports())
    )


def involving(query: Select, opd_id: int) -> Select:
    supported = select(action_item_support.c.action_item_id).where(
        action_item_support.c.opd_id == opd_id
    )
    return query.where(or_(ActionItem.lead_opd_id == opd_id, ActionItem.id.in_(supported)))


def count(query: Select) -> int:
    """How many items ``query`` selects (one statement)."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def pending_review_count(user=None) -> int:
    """Items with a report waiting for the organiser's verification (at most one each)."""
    return count(item_query(user, pending_review=True))


def returned_count(user=None) -> int:
    """Open items whose latest report came back to the OPD."""
    return count(item_query(user, returned=True))


def status_counts(query: Select) -> dict[str, int]:
    """Items per status for the (counted) items ``query`` selects (one statement)."""
    counts = dict.fromkeys(ITEM_STATUSES, 0)
    counts.update(
        db.session.execute(
            query.with_only_columns(ActionItem.status, func.count())
            .group_by(ActionItem.status)
            .order_by(None)
        ).all()
    )
    return counts


@dataclass
class Figures:
    """One set of items in numbers, as every panel and list header shows it."""

    counts: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def figures(query: Select) -> Figures:
    """Items per status and overdue among the counted items ``query`` selects."""
    query = counted(query)
    return Figures(status_counts(query), count(query.where(overdue_clause())))


def events_with_items(query: Select) -> list:
    """The meetings the items ``query`` selects come from, newest first (a filter's choices:
    id and title rows)."""
    event_ids = query.with_only_columns(ActionItem.event_id).distinct().order_by(None)
    return db.session.execute(
        select(Event.id, Event.title)
        .where(Event.id.in_(event_ids))
        .order_by(Event.start_date.desc())
    ).all()


# --- progress updates and evidence ----------------------------------------------------------


def reporting_opd(item: ActionItem, author) -> Opd:
    """Whom a report is credited to: the author's own OPD (an OPD user reports for its OPD,
    leading or supporting); the lead OPD when the organiser enters it on the OPD's behalf."""
    if author is not None and author.opd_id is not None:
        return author.opd
    return item.lead_opd


def submit_update(
    item: ActionItem,
    *,
    author,
    progress: int,
    narrative: str,
    proposed_status: str = "dalam_proses",
    files=(),
    opd: Opd | None = None,
):
    """An OPD's report: its progress and the status it claims, for the organiser to verify;
    the item itself does not change until then. A report still waiting is replaced by the new
    one. Every file is checked before anything is stored: a wrong file type changes nothing.
    ``files`` are (bytes, original name) pairs; ``opd`` is ``reporting_opd`` unless given."""
    if progress is None or not 0 <= progress <= 100:
        raise FollowUpError(_l("Progres harus antara 0 dan 100 persen."))
    lifecycle.check_proposal(item, proposed_status, progress, narrative)
    files = [(data, name) for data, name in files if data]  # an empty file is no evidence
    if not (narrative or "").strip() and not files:
        raise FollowUpError(_l("Tulis uraian progres atau lampirkan bukti dukung."))
    if len(files) > MAX_EVIDENCE_FILES:
        raise FollowUpError(_l("Paling banyak %(max)s berkas per laporan.", max=MAX_EVIDENCE_FILES))
    for data, name in files:
        try:
            uploads.check(data, uploads.EVIDENCE_KINDS)
        except uploads.UploadError as exc:
            raise FollowUpError(f"{name}: {exc}") from None
    for waiting in db.session.scalars(
        select(ProgressUpdate).where(
            ProgressUpdate.item_id == item.id, ProgressUpdate.review == "pending"
        )
    ):
        waiting.review = "superseded"
        record(waiting, "supersede")
    update = ProgressUpdate(
        item=item,
        opd_id=(opd or reporting_opd(item, author)).id,
        author_id=author.id if author is not None else None,
        progress=progress,
        proposed_status=proposed_status,
        narrative=(narrative or "").strip(),
    )
    for data, name in files:
        stored = uploads.store(data, name, uploads.EVIDENCE_KINDS)
        update.evidence.append(
            Evidence(
                sha256=stored.sha256, filename=stored.filename, kind=stored.kind, size=stored.size
            )
        )
    db.session.add(update)
    record(update, "create")
    return update


def review_update(
    update: ProgressUpdate, *, reviewer, accept: bool, status: str | None = None, comment: str = ""
):
    """The organiser verifies a report. Accepting takes the item to ``status`` (by default the
    one the OPD proposed) with the report's progress; returning, with a comment, leaves the
    item as verified, except that a refused claim of "sesuai" makes it "belum sesuai"."""
    if update.review != "pending":
        raise FollowUpError(_l("Laporan ini sudah diperiksa."))
    item = update.item
    comment = (comment or "").strip()
    if accept:
        if not item.is_open:
            raise FollowUpError(
                _l("Tindak lanjut ini sudah ditutup; kembalikan laporan atau buka kembali dulu.")
            )
        status = status or lifecycle.review_default(item, update)
        lifecycle.move(item, status, lifecycle.ACCEPT, actor=reviewer, reported=update.progress)
    else:
        if not comment:
            raise FollowUpError(_l("Tulis alasan pengembalian, agar OPD tahu apa yang kurang."))
        after = lifecycle.after_return(item, update)
        if after != item.status:
            lifecycle.move(item, after, lifecycle.RETURN, actor=reviewer)
    update.review = "accepted" if accept else "returned"
    update.review_status = item.status
    update.review_comment = comment
    update.reviewed_by_id = reviewer.id if reviewer is not None else None
    update.reviewed_at = utcnow()
    record(update, "accept" if accept else "return")
    return update


@dataclass
class ReportFlag:
    """Where an item's latest report stands, for lists and the item page."""

    pending: int | None = None  # the progress waiting for verification
    returned: ProgressUpdate | None = None  # sent back: the OPD has to act


def report_flags(items) -> dict[int, ReportFlag]:
    """The report flag of each of ``items`` that has one (one query for a whole page)."""
    items = {item.id: item for item in items}
    if not items:
        return {}
    flags = {}
    for update in db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.id.in_(_latest_reports(list(items))))
    ):
        item = items[update.item_id]
        if update.review == "pending":
            flags[item.id] = ReportFlag(pending=update.progress)
        elif update.review == "returned" and item.is_open:
            flags[item.id] = ReportFlag(returned=update)
    return flags


def evidence_item(evidence_id: int):
    """(evidence, its item) or (None, None)."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        return None, None
    return evidence, evidence.update.item


# --- the timeline -----------------------------------------------------------------------------


@dataclass
class Moment:
    at: datetime
    kind: str  # created, carried_from, update, review, carried_to
    text: str = ""
    update: ProgressUpdate | None = None
    other: ActionItem | None = None


def timeline(item: ActionItem) -> list[Moment]:
    moments = [Moment(item.created_at, "created")]
    if item.carried_over_from is not None:
        moments.append(Moment(item.created_at, "carried_from", other=item.carried_over_from))
    for update in item.updates:
        moments.append(Moment(update.created_at, "update", update=update))
        if update.reviewed_at is not None:
            moments.append(Moment(update.reviewed_at, "review", update=update))
    if item.continuation is not None:
        moments.append(Moment(item.continuation.created_at, "carried_to", other=item.continuation))
    return sorted(moments, key=lambda m: m.at)


def item_with_history(item_id: int) -> ActionItem | None:
    return db.session.scalar(
        select(ActionItem)
        .where(ActionItem.id == item_id)
        .options(
            joinedload(ActionItem.lead_opd),
            joinedload(ActionItem.event),
            selectinload(ActionItem.supporting_opds),
            joinedload(ActionItem.carried_over_from).joinedload(ActionItem.event),
            selectinload(ActionItem.continuation).joinedload(ActionItem.event),
            selectinload(ActionItem.updates).selectinload(ProgressUpdate.evidence),
            selectinload(ActionItem.updates).joinedload(ProgressUpdate.author),
        )
    )
