"""The rules of follow-up: items, progress updates with evidence, verification, the timeline.

Every write is audited and flushed here; the caller commits (one request, one transaction).
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from agenda.models import Event
from app import uploads
from app.audit.services import ACTION_LABELS, OBJECT_LABELS, record, save_audited
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import to_zone, utcnow
from followup.models import (
    ITEM_KINDS,
    ITEM_STATUSES,
    OPEN_STATUSES,
    ActionItem,
    Evidence,
    ProgressUpdate,
    action_item_support,
)

OBJECT_LABELS["ActionItem"] = _l("Tindak lanjut")
OBJECT_LABELS["ProgressUpdate"] = _l("Laporan progres")
ACTION_LABELS.setdefault("accept", _l("diterima"))
ACTION_LABELS.setdefault("return", _l("dikembalikan"))
MAX_EVIDENCE_FILES = 5


class FollowUpError(ValueError):
    """A follow-up write that cannot be made; the message is for the user."""


def today() -> date:
    return to_zone(utcnow()).date()


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


def update_item(item: ActionItem, *, supporting_opds=None, **fields) -> ActionItem:
    if "status" in fields and fields["status"] not in ITEM_STATUSES:
        raise FollowUpError(_l("Status tidak dikenal."))
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
):
    """Items, newest meeting first, with what lists show loaded in a fixed number of queries.
    An OPD ``user`` gets only the items its OPD leads or supports."""
    query = (
        select(ActionItem)
        .options(
            joinedload(ActionItem.lead_opd),
            joinedload(ActionItem.event),
            selectinload(ActionItem.supporting_opds),
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
    if status in ITEM_STATUSES:
        query = query.where(ActionItem.status == status)
    if overdue:
        query = query.where(ActionItem.due_on < today(), ActionItem.status.in_(OPEN_STATUSES))
    if pending_review:
        waiting = select(ProgressUpdate.item_id).where(ProgressUpdate.review == "pending")
        query = query.where(ActionItem.id.in_(waiting))
    if due_month:
        first = today().replace(day=1)
        following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
        query = query.where(ActionItem.due_on >= first, ActionItem.due_on < following)
    return query


def involving(query: Select, opd_id: int) -> Select:
    supported = select(action_item_support.c.action_item_id).where(
        action_item_support.c.opd_id == opd_id
    )
    return query.where(or_(ActionItem.lead_opd_id == opd_id, ActionItem.id.in_(supported)))


def count(query: Select) -> int:
    """How many items ``query`` selects (one statement)."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def pending_review_count() -> int:
    """Progress reports waiting for the organiser's verification."""
    return db.session.scalar(
        select(func.count()).select_from(ProgressUpdate).where(ProgressUpdate.review == "pending")
    )


def status_counts(query: Select) -> dict[str, int]:
    """Items per status for the items ``query`` selects (one statement)."""
    counts = dict.fromkeys(ITEM_STATUSES, 0)
    counts.update(
        db.session.execute(
            query.with_only_columns(ActionItem.status, func.count())
            .group_by(ActionItem.status)
            .order_by(None)
        ).all()
    )
    return counts


def events_with_items(query: Select) -> list[Event]:
    """The meetings the items ``query`` selects come from, newest first (a filter's choices)."""
    event_ids = query.with_only_columns(ActionItem.event_id).distinct().order_by(None)
    return db.session.scalars(
        select(Event).where(Event.id.in_(event_ids)).order_by(Event.start_date.desc())
    ).all()


# --- progress updates and evidence ----------------------------------------------------------


def submit_update(item: ActionItem, *, opd: Opd, author, progress: int, narrative: str, files=()):
    """An OPD's report. Every file is checked before anything is stored: a wrong file type
    changes nothing. ``files`` are (bytes, original name) pairs."""
    if not 0 <= progress <= 100:
        raise FollowUpError(_l("Progres harus antara 0 dan 100 persen."))
    if not (narrative or "").strip() and not files:
        raise FollowUpError(_l("Tulis uraian progres atau lampirkan bukti dukung."))
    files = [(data, name) for data, name in files if data]
    if len(files) > MAX_EVIDENCE_FILES:
        raise FollowUpError(_l("Paling banyak %(max)s berkas per laporan.", max=MAX_EVIDENCE_FILES))
    for data, name in files:
        try:
            uploads.check(data, uploads.EVIDENCE_KINDS)
        except uploads.UploadError as exc:
            raise FollowUpError(f"{name}: {exc}") from None
    update = ProgressUpdate(
        item=item,
        opd_id=opd.id,
        author_id=author.id if author is not None else None,
        progress=progress,
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
    if item.status == "belum_ditindaklanjuti":
        item.status = "dalam_proses"  # someone is on it
    record(update, "create")
    return update


def review_update(update: ProgressUpdate, *, reviewer, accept: bool, status: str, comment: str):
    """The organiser accepts an update (the item takes its progress and the chosen status) or
    returns it with a comment (the item keeps its progress)."""
    if update.review != "pending":
        raise FollowUpError(_l("Laporan ini sudah diperiksa."))
    if status not in ITEM_STATUSES:
        raise FollowUpError(_l("Status tidak dikenal."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise FollowUpError(_l("Tulis alasan pengembalian, agar OPD tahu apa yang kurang."))
    item = update.item
    update.review = "accepted" if accept else "returned"
    update.review_status = status
    update.review_comment = comment
    update.reviewed_by_id = reviewer.id if reviewer is not None else None
    update.reviewed_at = utcnow()
    record(update, "accept" if accept else "return")
    if accept:
        item.progress = update.progress
    item.status = status
    record(item, "update")
    return update


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
    for later in db.session.scalars(
        select(ActionItem).where(ActionItem.carried_over_from_id == item.id)
    ):
        moments.append(Moment(later.created_at, "carried_to", other=later))
    return sorted(moments, key=lambda m: m.at)


def item_with_history(item_id: int) -> ActionItem | None:
    return db.session.scalar(
        select(ActionItem)
        .where(ActionItem.id == item_id)
        .options(
            joinedload(ActionItem.lead_opd),
            joinedload(ActionItem.event),
            selectinload(ActionItem.supporting_opds),
            selectinload(ActionItem.updates).selectinload(ProgressUpdate.evidence),
            selectinload(ActionItem.updates).joinedload(ProgressUpdate.author),
        )
    )


def opd_by_text(text: str) -> Opd | None:
    """The OPD typed in a type-ahead field: its code, "CODE — name", or its exact name."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.split(" — ", 1)[0].strip()
    return db.session.scalar(
        select(Opd).where(
            Opd.active.is_(True),
            or_(func.upper(Opd.code) == code.upper(), func.lower(Opd.name) == text.lower()),
        )
    )
