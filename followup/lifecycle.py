"""The life of an action item: one state machine, used by every write of its status.

An OPD never moves an item. It *proposes* with a report (a progress percentage and a claimed
status: dalam_proses, sesuai, or tidak_dapat_ditindaklanjuti with its reason), and the
organiser verifies: accepting moves the item (keeping or advancing its status, never back to
"belum ditindaklanjuti"), returning keeps it as verified — except that a returned claim of
"sesuai" means the work was judged not to match the decision: "belum sesuai". The organiser
may also set the status on the edit page, close items on the carry-over page, or carry an open
item over to a later meeting, which closes it as "dilanjutkan".

``TRANSITIONS`` is the whole table; ``move`` is the only code that writes ActionItem.status,
and it audits each change with its before and after (tests/followup/test_invariants.py reads
the audit log back against the items).
"""

from flask_babel import lazy_gettext as _l

from app.audit.services import ACTION_LABELS, record
from app.auth.permissions import can
from followup.forms import ITEM_STATUS_LABELS
from followup.models import CARRIED, OPEN_STATUSES, PROPOSABLE_STATUSES, ActionItem

B, P, S = "belum_ditindaklanjuti", "dalam_proses", "sesuai"
BS, T, D = "belum_sesuai", "tidak_dapat_ditindaklanjuti", CARRIED

# The ways a status changes. All are the organiser's (permission ``followup.manage``); the
# OPD's part is the report that ACCEPT and RETURN answer.
ACCEPT = "accept"  # verifying a report: the item takes the report's progress
RETURN = "return"  # returning a report that claimed "sesuai"
SET = "set"  # the organiser's own judgement (edit page, closing on the carry-over page)
CARRY = "carry"  # continued as an item of a later meeting (followup/meetings/services.py)

WHO = dict.fromkeys((ACCEPT, RETURN, SET, CARRY), "followup.manage")

# (from, to) → the ways it may happen. Missing pairs are refused; in particular nothing goes
# back to "belum ditindaklanjuti", and nothing leaves "dilanjutkan" (the decision lives on in
# its continuation). A pair with from == to is an accepted report that keeps the status.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (B, P): frozenset({ACCEPT, SET}),
    (B, S): frozenset({ACCEPT, SET}),
    (B, T): frozenset({ACCEPT, SET}),
    (B, BS): frozenset({RETURN, SET}),
    (B, D): frozenset({CARRY}),
    (P, P): frozenset({ACCEPT}),
    (P, S): frozenset({ACCEPT, SET}),
    (P, T): frozenset({ACCEPT, SET}),
    (P, BS): frozenset({RETURN, SET}),
    (P, D): frozenset({CARRY}),
    (BS, P): frozenset({ACCEPT, SET}),
    (BS, BS): frozenset({ACCEPT}),
    (BS, S): frozenset({ACCEPT, SET}),
    (BS, T): frozenset({ACCEPT, SET}),
    (BS, D): frozenset({CARRY}),
    # Closed items reopen, or a closing judgement is corrected, by the organiser only.
    (S, P): frozenset({SET}),
    (S, BS): frozenset({SET}),
    (S, T): frozenset({SET}),
    (T, P): frozenset({SET}),
    (T, BS): frozenset({SET}),
    (T, S): frozenset({SET}),
}

AUDIT_ACTIONS = {ACCEPT: "accept", RETURN: "return", SET: "status", CARRY: "carry_over"}
ACTION_LABELS.setdefault("status", _l("status diubah"))
ACTION_LABELS.setdefault("supersede", _l("diganti laporan baru"))


class FollowUpError(ValueError):
    """A follow-up write that cannot be made; the message is for the user."""


def targets(status: str, way: str) -> list[str]:
    """The statuses ``way`` may lead to from ``status``, in the table's order."""
    return [to for (frm, to), ways in TRANSITIONS.items() if frm == status and way in ways]


def progress_after(item: ActionItem, to: str, way: str, reported: int | None) -> int:
    """What a transition does to progress: "sesuai" is done (100%); an accepted report brings
    its own figure; everything else keeps the verified progress."""
    if to == S:
        return 100
    if way == ACCEPT and reported is not None:
        return reported
    return item.progress


def move(item: ActionItem, to: str, way: str, *, actor=None, reported=None, note=None):
    """Take ``item`` to status ``to`` by ``way`` (and its progress with it), audited.

    ``actor`` (None for the system: demo, CLI) must hold the way's permission; ``reported``
    is the progress of the report being accepted; ``note`` adds fields to the audit entry."""
    before = item.status
    if way not in TRANSITIONS.get((before, to), ()):
        raise FollowUpError(
            _l(
                "Status %(before)s tidak dapat diubah menjadi %(after)s.",
                before=ITEM_STATUS_LABELS.get(before, before),
                after=ITEM_STATUS_LABELS.get(to, to),
            )
        )
    if actor is not None and not can(actor, WHO[way], item):
        raise FollowUpError(_l("Hanya panitia yang dapat mengubah status tindak lanjut."))
    progress = progress_after(item, to, way, reported)
    changes = {"status": [before, to]} if to != before else {}
    if progress != item.progress:
        changes["progress"] = [item.progress, progress]
    changes.update(note or {})
    item.status, item.progress = to, progress
    if changes:
        record(item, AUDIT_ACTIONS[way], changes=changes)
    return item


def check_proposal(item: ActionItem, proposed: str, progress: int, narrative: str) -> None:
    """What an OPD may claim in a report on ``item``; raises with the reason otherwise."""
    if item.status not in OPEN_STATUSES:
        raise FollowUpError(
            _l(
                "Tindak lanjut ini sudah ditutup (%(status)s); laporan baru tidak dapat dikirim.",
                status=ITEM_STATUS_LABELS[item.status],
            )
        )
    if proposed not in PROPOSABLE_STATUSES:
        raise FollowUpError(_l("Pilih status yang diusulkan."))
    if proposed == S and progress != 100:
        raise FollowUpError(_l("Tindak lanjut yang selesai (sesuai) berprogres 100%."))
    if proposed == T and not (narrative or "").strip():
        raise FollowUpError(_l("Tulis alasan mengapa tindak lanjut ini tidak dapat dilaksanakan."))


def review_choices(item: ActionItem) -> list[str]:
    """The statuses the organiser may accept a report of ``item`` with."""
    return targets(item.status, ACCEPT)


def review_default(item: ActionItem, update) -> str:
    """Where the review form starts: the status the OPD proposed, else the current one (or
    "dalam proses" for an item nobody had reported on) — never a reset."""
    choices = review_choices(item)
    for candidate in (update.proposed_status, item.status, P):
        if candidate in choices:
            return candidate
    return choices[0] if choices else item.status


def after_return(item: ActionItem, update) -> str:
    """The item's status once ``update`` is returned: a refused claim of "sesuai" is judged
    "belum sesuai"; any other return leaves the item as verified."""
    if update.proposed_status == S and item.status in OPEN_STATUSES:
        return BS
    return item.status
