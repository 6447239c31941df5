from datetime import datetime, timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.models import AuditEntry
from app.auth.models import User
from app.auth.permissions import permission_required
from app.core.home import nav_item
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
nav_item("admin", 95, _l("Jejak Audit"), "audit.index", "audit.view")


def _parse_date(text: str):
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return None


@bp.get("/")
@permission_required("audit.view")
def index():
    args = request.args
    query = select(AuditEntry).options(joinedload(AuditEntry.user)).order_by(AuditEntry.id.desc())
    if args.get("type"):
        query = query.where(AuditEntry.object_type == args["type"])
    if args.get("object_id", "").isdigit():
        query = query.where(AuditEntry.object_id == int(args["object_id"]))
    if args.get("user", "").isdigit():
        query = query.where(AuditEntry.user_id == int(args["user"]))
    if args.get("action"):
        query = query.where(AuditEntry.action == args["action"])
    if start := _parse_date(args.get("from", "")):
        query = query.where(AuditEntry.created_at >= start)
    if end := _parse_date(args.get("to", "")):
        query = query.where(AuditEntry.created_at < end + timedelta(days=1))
    page = db.paginate(query, per_page=50)
    types = db.session.scalars(
        select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    users = db.session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(AuditEntry.user_id).distinct()))
        .order_by(User.name)
    ).all()
    return render_template("audit/index.html", page=page, types=types, users=users, args=args)
