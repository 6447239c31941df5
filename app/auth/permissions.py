"""Authorisation: one helper that every view uses.

A rule answers "may this user do ``action`` (to this object)?". Feature packages register
their own rules with ``@rule("…")``; per-object rules look at the object they are given.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.auth.models import ADMIN, OPD, ORGANISER, VIEWER

_RULES: dict[str, Callable] = {}


def rule(action: str):
    def register(func):
        _RULES[action] = func
        return func

    return register


def roles(action: str, *allowed: str) -> None:
    """Register a rule that only depends on the user's role."""
    _RULES[action] = lambda user, obj=None: user.role in allowed


def can(user, action: str, obj=None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    check = _RULES.get(action)
    if check is None:
        raise KeyError(f"no authorisation rule for {action!r}")
    return bool(check(user, obj))


def require(action: str, obj=None) -> None:
    """Abort with 403 unless the current user may do ``action`` (to ``obj``)."""
    if not can(current_user, action, obj):
        abort(403)


def permission_required(action: str):
    """View decorator: logged in and allowed to do ``action`` (role-level check)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


roles("opd.view", ADMIN, ORGANISER, VIEWER)
roles("opd.manage", ADMIN)
roles("user.manage", ADMIN)
roles("organisation.manage", ADMIN)  # the letterhead (kop surat) of official documents
roles("audit.view", ADMIN)
roles("tasks.view", ADMIN)  # the task queue: waiting, running, last failures


@rule("opd.view_one")
def _view_one_opd(user, opd) -> bool:
    # An OPD user may see its own OPD's card; the others follow "opd.view".
    if user.role == OPD:
        return opd is not None and opd.id == user.opd_id
    return can(user, "opd.view")
