"""Changing registrations: status, role and group, one at a time or in bulk."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from agenda.models import Event
from app.audit.services import record, record_batch
from app.extensions import db
from app.timeutil import utcnow
from participants.models import (
    REGISTRATION_ROLES,
    Registration,
)
from participants.registrations.core import (
    SEAT_STATUSES,
    SETTABLE_STATUSES,
    RegistrationError,
    check_capacity,
    chunks,
    holds_seat,
)

# --- changing registrations -------------------------------------------------------------------


def active_delegates(head: Registration) -> list[Registration]:
    return [d for d in head.delegates if d.status in SEAT_STATUSES]


def _plan_status(registrations: list[Registration], status: str) -> list[tuple]:
    """(registration, new status) for the registrations and the delegates they drag along;
    each registration at most once, with its final status (so seats are counted right).

    A head that leaves ``delegated`` ends its delegation: all its active delegates are
    cancelled, also those in the selection, whatever status was chosen; its inactive
    delegates in the selection stay as they are (a head and its delegate never both hold a
    place). A delegate alone goes back to a place only while its head is still delegated
    and has no other active delegate."""
    plan: dict[int, tuple] = {}
    claimed: set[int] = set()  # heads whose delegate this batch activates
    leaving = {r.id for r in registrations if r.status == "delegated" and status != "delegated"}
    for registration in registrations:
        if registration.delegate_of_id in leaving:
            continue  # settled with its head below
        if registration.status != status:
            head = registration.delegate_of
            if head is not None and status in SEAT_STATUSES:
                others = [d for d in active_delegates(head) if d.id != registration.id]
                if head.status != "delegated" or others or head.id in claimed:
                    raise RegistrationError(
                        _(
                            "%(name)s tidak dapat diaktifkan kembali sebagai wakil %(head)s. "
                            "Pilih wakil lewat registrasi %(head)s.",
                            name=registration.person.name,
                            head=head.person.name,
                        )
                    )
                claimed.add(head.id)
            plan[registration.id] = (registration, status)
        if registration.id in leaving:
            # Any other answer of the head ends the delegation.
            for delegate in active_delegates(registration):
                plan[delegate.id] = (delegate, "cancelled")
    return list(plan.values())


def _apply(plan: list[tuple], event: Event, audit_each: bool) -> int:
    check_capacity(event, sum(holds_seat(new) - holds_seat(r.status) for r, new in plan))
    now = utcnow()
    for registration, status in plan:
        registration.status = status
        if status in ("confirmed", "declined"):
            registration.responded_at = now
        if audit_each:
            record(registration, "update")
    return len(plan)


def set_status(registration: Registration, status: str) -> None:
    """Set one registration's status (not ``delegated``: see ``set_delegate``)."""
    if status not in SETTABLE_STATUSES:
        raise RegistrationError(_("Status tidak dapat dipilih langsung."))
    _apply(_plan_status([registration], status), registration.event, audit_each=True)


def cancel(registration: Registration) -> None:
    set_status(registration, "cancelled")


def update_registration(
    registration: Registration, *, role: str, group: str, status: str, note: str
) -> None:
    """Save the organiser's edit of one registration; the head's active delegate follows its
    role and group."""
    if role not in REGISTRATION_ROLES:
        raise RegistrationError(_("Peran tidak dikenal."))
    group = (group or "").strip()[:60]
    plan = []
    if status != registration.status:
        if status not in SETTABLE_STATUSES:
            raise RegistrationError(_("Status tidak dapat dipilih langsung."))
        plan = _plan_status([registration], status)
    check_capacity(
        registration.event, sum(holds_seat(new) - holds_seat(r.status) for r, new in plan)
    )
    registration.role, registration.group, registration.note = role, group, note.strip()
    for delegate in active_delegates(registration):
        delegate.role, delegate.group = role, group
        if delegate not in (r for r, _s in plan):
            record(delegate, "update")
    if plan:
        _apply(plan, registration.event, audit_each=True)
    if registration not in (r for r, _s in plan):
        record(registration, "update")


def _selection(event: Event, ids) -> list[Registration]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found = []
    for chunk in chunks(ids):
        found += db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(chunk))
            .options(
                joinedload(Registration.person),
                joinedload(Registration.delegate_of).joinedload(Registration.person),
                selectinload(Registration.delegates),
            )
        ).unique()
    return found


def bulk_action(event: Event, ids, action: str, group: str = "") -> int:
    """Apply a bulk action as the list's menu names it: ``status:<status>``, ``role:<role>``
    or ``group`` (with the group typed beside it). Returns how many registrations changed."""
    kind, _sep, value = action.partition(":")
    if kind == "status" and value:
        return bulk_update(event, ids, status=value)
    if kind == "role" and value:
        return bulk_update(event, ids, role=value)
    if action == "group":
        return bulk_update(event, ids, group=(group or "").strip())
    raise RegistrationError(_("Tindakan tidak dikenal."))


def bulk_update(event: Event, ids, *, status=None, role=None, group=None) -> int:
    """Apply one change to the selected registrations of ``event`` (all or nothing, one audit
    entry). Returns how many registrations changed."""
    registrations = _selection(event, ids)
    if not registrations:
        raise RegistrationError(_("Pilih minimal satu registrasi."))
    changed = 0
    if status is not None:
        if status not in SETTABLE_STATUSES:
            raise RegistrationError(_("Status tidak dapat dipilih langsung."))
        changed = _apply(_plan_status(registrations, status), event, audit_each=False)
        label, value = "status", status
    elif role is not None:
        if role not in REGISTRATION_ROLES:
            raise RegistrationError(_("Peran tidak dikenal."))
        for registration in registrations:
            targets = [registration, *active_delegates(registration)]
            for target in targets:
                if target.role != role:
                    target.role = role
                    changed += 1
        label, value = "peran", role
    elif group is not None:
        group = group.strip()[:60]
        for registration in registrations:
            for target in [registration, *active_delegates(registration)]:
                if target.group != group:
                    target.group = group
                    changed += 1
        label, value = "kelompok", group
    else:
        raise RegistrationError(_("Pilih tindakan."))
    if changed:
        record_batch(
            "RegistrationBatch",
            f"{event.title}: {_('perubahan %(field)s', field=label)}",
            "update",
            changes={
                "acara": [None, event.slug],
                label: [None, value],
                "registrasi": [None, [r.id for r in registrations]],
                "berubah": [None, changed],
            },
        )
    return changed
