"""The one audit helper every write goes through.

Call ``record`` *before* the session flushes an update (it reads SQLAlchemy's attribute
history); it flushes itself so a new object has its id, and the request commits.
"""

from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import inspect

from app.audit.models import AuditEntry
from app.extensions import db

ACTION_LABELS = {
    "create": _l("dibuat"),
    "update": _l("diubah"),
    "delete": _l("dihapus"),
    "token": _l("token API baru"),
}
# Object types shown by their domain name; packages add theirs with OBJECT_LABELS[...] = ...
OBJECT_LABELS = {"Opd": _l("OPD"), "User": _l("Pengguna")}


def _json_safe(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _columns(obj):
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def snapshot(obj) -> dict:
    return {key: _json_safe(getattr(obj, key)) for key in _columns(obj) if key != "id"}


def pending_changes(obj) -> dict:
    """{field: [before, after]} for the columns changed on ``obj`` since it was loaded."""
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[key] = [_json_safe(before), _json_safe(after)]
    return changes


def _acting_user_id():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


# Secrets and bearer tokens never reach the log, only the fact that they changed.
HIDDEN_FIELDS = (
    "password_hash",
    "api_token_hash",
    "session_token",
    "pass_token",
    "link_token",
    "feed_token",
    "token",
)


def record(obj, action: str, changes: dict | None = None, hidden=HIDDEN_FIELDS):
    """Add an AuditEntry for ``obj``. ``action`` is create, update, delete or a verb.

    Returns None (and writes nothing) for an update that changed nothing.
    """
    if changes is None:
        if action == "create":
            db.session.flush()  # defaults and foreign keys set through relationships
            changes = {key: [None, value] for key, value in snapshot(obj).items()}
        elif action == "delete":
            changes = {key: [value, None] for key, value in snapshot(obj).items()}
        else:
            changes = pending_changes(obj)
    for key in hidden:
        if key in changes:
            changes[key] = ["***", "***"]
    if action == "update" and not changes:
        return None
    if action != "delete":
        db.session.flush()
    entry = AuditEntry(
        user_id=_acting_user_id(),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        object_label=str(obj)[:200],
        changes=changes,
    )
    db.session.add(entry)
    return entry


def save_audited(obj, **fields):
    """Set ``fields`` on ``obj``, add it to the session if new, and audit the write."""
    creating = inspect(obj).transient
    for key, value in fields.items():
        setattr(obj, key, value)
    if creating:
        db.session.add(obj)
    record(obj, "create" if creating else "update")
    return obj


def record_batch(object_type: str, label: str, action: str, changes: dict) -> AuditEntry:
    """One entry for a write that touches many rows at once (an import, a bulk invitation):
    the log says what was done and how many, not one line per row."""
    entry = AuditEntry(
        user_id=_acting_user_id(),
        action=action,
        object_type=object_type,
        object_id=None,
        object_label=str(label)[:200],
        changes=changes,
    )
    db.session.add(entry)
    return entry
