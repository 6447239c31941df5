"""JSON for action items (contract in DESIGN.md), with the pages' authorisation."""

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from agenda.models import Event
from app.auth.permissions import can, require
from app.core.errors import render_error
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import rfc3339
from followup import services
from followup.models import ALL_STATUSES

bp = Blueprint("followup_api", __name__, url_prefix="/api/v1")
MAX_PER_PAGE = 200


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


@bp.get("/action-items")
@login_required
def action_items():
    require("followup.view")
    args = request.args
    event_id = opd_id = None
    if args.get("event"):
        event_id = db.session.scalar(select(Event.id).where(Event.slug == args["event"]))
        if event_id is None:
            abort(404)
    if args.get("opd"):
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == args["opd"]))
        if opd_id is None:
            abort(404)
    status = args.get("status", "")
    if status and status not in ALL_STATUSES:
        return render_error(
            422,
            _(
                "Status %(status)s tidak dikenal; pilih salah satu: %(known)s.",
                status=status,
                known=", ".join(ALL_STATUSES),
            ),
        )
    # Carried-over originals are counted at their continuation: only status=dilanjutkan
    # lists them.
    query = services.item_query(current_user, event_id=event_id, opd_id=opd_id, status=status)
    per_page = min(args.get("per_page", 50, type=int) or 50, MAX_PER_PAGE)
    page = db.paginate(query, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)
    today = services.today()
    return jsonify(
        items=[item_dict(item, today) for item in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.get("/action-items/<int:item_id>")
@login_required
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
