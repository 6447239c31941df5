"""Users: creation, passwords, API tokens. Shared by views, CLI and the demo."""

import hashlib
import secrets

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.auth.models import OPD, ROLES, User
from app.extensions import db
from app.timeutil import utcnow


class UserError(ValueError):
    pass


def get_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def user_query(role: str = ""):
    """Users for the list, by role then e-mail; only those of ``role`` when given."""
    query = select(User).options(joinedload(User.opd)).order_by(User.role, User.email)
    return query.where(User.role == role) if role else query


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    user = get_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def validate_role(role: str, opd_id: int | None) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if role == OPD and not opd_id:
        raise UserError("an OPD user needs an OPD")


def save_user(user: User, *, email, name, role, opd_id=None, active=True, password=None) -> User:
    """Create (``user.id`` is None) or update a user; audited."""
    validate_role(role, opd_id)
    creating = user.id is None
    user.email, user.name, user.role = email.strip().lower(), name.strip(), role
    user.opd_id = opd_id if role == OPD else None  # only OPD users belong to one OPD
    if not active and (creating or user.active):
        user.end_sessions()  # deactivated: signed out everywhere
    user.active = active
    if not active:  # a deactivated account's API token must not come back with reactivation
        user.api_token_hash = None
    if password:  # a new password signs the account out everywhere (set_password)
        user.set_password(password)
    if creating:
        db.session.add(user)
    record(user, "create" if creating else "update")
    return user


def load_session_user(session_id: str) -> User | None:
    """The user of a session or remember-me cookie (``User.get_id``), if it is still valid:
    the account is active and its session token has not changed since."""
    user_id, _sep, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not user.session_matches(token):
        return None
    return user


def end_sessions(user: User) -> None:
    """Log ``user`` out of every browser (logout ends them all, not only this one)."""
    user.end_sessions()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new API token for ``user`` (the previous one stops working). Shown once."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = _token_hash(token)
    record(user, "token")
    return token


# Built once: a statement keeps its cache key, which SQLAlchemy would otherwise compute on
# every API request.
_BY_TOKEN = select(User).where(User.api_token_hash == bindparam("token_hash"))


def user_for_token(token: str) -> User | None:
    if not token:
        return None
    user = db.session.scalar(_BY_TOKEN, {"token_hash": _token_hash(token)})
    return user if user is not None and user.active else None


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:  # signed out everywhere, API token gone
        user.api_token_hash = None
        user.end_sessions()
    record(user, "update")
