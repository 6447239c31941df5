"""JSON for action items (contract in DESIGN.md), with the pages' authorisation."""

from datetime import date
from typing import Literal

from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required
from pydantic import Field
from sqlalchemy import select

from agenda.models import Event
from app import api
from app.auth.permissions import can, require
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import rfc3339
from followup import services
from followup.models import ALL_STATUSES

bp = Blueprint("followup_api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 200


class ItemsQuery(api.Query):
    event: str | None = api.text(80, default=None)  # an event's slug
    opd: str | None = api.text(32, default=None)  # an OPD's code
    status: Literal[ALL_STATUSES] | None = None  # type: ignore[valid-type]
    page: api.QueryId = 1
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE)


class ItemPath(api.Model):
    item_id: api.DbId


class EventRefOut(api.Answer):
    slug: str
    title: str


class ItemOut(api.Answer):
    id: int
    title: str
    kind: str
    status: str
    overdue: bool
    progress: int
    due_on: date | None
    event: EventRefOut
    lead_opd: api.OpdOut
    supporting_opds: list[api.OpdOut]
    created_at: str | None
    carried_over_from: int | None
    carried_over_to: int | None


class ItemsOut(api.Answer):
    items: list[ItemOut]
    page: int
    per_page: int
    total: int
    pages: int


class EvidenceOut(api.Answer):
    id: int
    filename: str
    kind: str
    size: int


class UpdateOut(api.Answer):
    id: int
    opd: api.OpdOut
    progress: int
    proposed_status: str | None
    narrative: str | None
    created_at: str | None
    review: str | None
    review_comment: str | None
    evidence: list[EvidenceOut]


class ItemDetailOut(ItemOut):
    description: str | None
    updates: list[UpdateOut]


def _opd(opd) -> dict:
    return {"code": opd.code, "name": opd.name}


def item_dict(item, today) -> dict:
    """An item as the API gives it (DESIGN.md contract, plus where a carried-over decision
    came from and went on: ids of the previous and the next link, or null)."""
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "status": item.status,
        "overdue": item.overdue_on(today),
        "progress": item.progress,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "event": {"slug": item.event.slug, "title": item.event.title},
        "lead_opd": _opd(item.lead_opd),
        "supporting_opds": [_opd(o) for o in item.supporting_opds],
        "target": item.target,
        "created_at": rfc3339(item.created_at),
        "carried_over_from": item.carried_over_from_id,
        "carried_over_to": item.continuation.id if item.continuation else None,
    }


def row_dict(row: services.ItemRow) -> dict:
    """``item_dict`` of a list's row (services.list_rows): the same keys and values, read from
    plain columns instead of an ORM object per item."""
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "status": row.status,
        "overdue": row.overdue,
        "progress": row.progress,
        "due_on": row.due_on.isoformat() if row.due_on else None,
        "event": {"slug": row.event_slug, "title": row.event_title},
        "lead_opd": {"code": row.lead_code, "name": row.lead_name},
        "supporting_opds": [{"code": code, "name": name} for code, name in row.supporting],
        "target": row.target,
        "created_at": rfc3339(row.created_at),
        "carried_over_from": row.carried_over_from_id,
        "carried_over_to": row.continuation_id,
    }


@bp.get("/action-items")
@login_required
@api.endpoint(
    summary="Action items, nearest deadline first (an OPD user: its own)",
    query=ItemsQuery,
    response=ItemsOut,
)
def action_items(query: ItemsQuery):
    require("followup.view")
    event_id = opd_id = None
    if query.event:
        event_id = db.session.scalar(select(Event.id).where(Event.slug == query.event))
        if event_id is None:
            abort(404)
    if query.opd:
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == query.opd))
        if opd_id is None:
            abort(404)
    # Carried-over originals are counted at their continuation: only status=dilanjutkan
    # lists them.
    items = services.item_query(
        current_user, event_id=event_id, opd_id=opd_id, status=query.status or ""
    )
    page = db.paginate(
        services.item_ids(items),
        page=query.page,
        per_page=query.per_page,
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )
    return jsonify(
        items=[row_dict(row) for row in services.list_rows(page.items)],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.get("/action-items/<int:item_id>")
@login_required
@api.endpoint(
    summary="One action item with its progress updates", path=ItemPath, response=ItemDetailOut
)
def action_item(item_id):
    item = services.item_with_history(item_id)
    if item is None or not can(current_user, "followup.view_item", item):
        abort(404 if item is None else 403)
    body = item_dict(item, services.today())
    body["description"] = item.description
    body["updates"] = [
        {
            "id": u.id,
            "opd": _opd(u.opd),
            "progress": u.progress,
            "proposed_status": u.proposed_status or None,
            "narrative": u.narrative,
            "created_at": rfc3339(u.created_at),
            "review": u.review,
            "review_comment": u.review_comment,
            "evidence": [
                {"id": e.id, "filename": e.filename, "kind": e.kind, "size": e.size}
                for e in u.evidence
            ],
        }
        for u in item.updates
    ]
    return jsonify(body)
