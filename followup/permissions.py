"""Who may do what in follow-up. An OPD user sees and reports on the items its OPD leads or
supports, and nothing else; every per-object check is a rule here, used by pages and API."""

from app.auth.models import ADMIN, OPD, ORGANISER, VIEWER
from app.auth.permissions import can, roles, rule

# Record decisions, edit items, verify updates: the organisers (Bagian Organisasi).
roles("followup.manage", ADMIN, ORGANISER)
# See every OPD's items (pimpinan read-only, organisers).
roles("followup.view_all", ADMIN, ORGANISER, VIEWER)
# The follow-up menu: everyone who sees any item.
roles("followup.view", ADMIN, ORGANISER, VIEWER, OPD)


def involves_own_opd(user, item) -> bool:
    if user.opd_id is None:
        return False
    return item.lead_opd_id == user.opd_id or any(o.id == user.opd_id for o in item.supporting_opds)


@rule("followup.view_item")
def _view_item(user, item) -> bool:
    if item is None:
        return False
    if user.role == OPD:
        return involves_own_opd(user, item)
    return can(user, "followup.view_all")


@rule("followup.view_opd")
def _view_opd(user, opd) -> bool:
    """One OPD's follow-up picture: an OPD user its own OPD's, pimpinan and organisers any."""
    if opd is None:
        return False
    if user.role == OPD:
        return opd.id == user.opd_id
    return can(user, "followup.view_all")


@rule("followup.report")
def _report(user, item) -> bool:
    """Send a progress update: the OPDs involved; organisers may enter one on their behalf."""
    if item is None:
        return False
    if user.role == OPD:
        return involves_own_opd(user, item)
    return can(user, "followup.manage")
