"""Who sees the evaluation: organisers and pimpinan everything; an OPD its own figures, and a
quarter's ranking once the organiser shares it."""

from app.auth.models import ADMIN, OPD, ORGANISER, VIEWER
from app.auth.permissions import can, roles, rule

roles("evaluation.view", ADMIN, ORGANISER, VIEWER, OPD)
roles("evaluation.view_all", ADMIN, ORGANISER, VIEWER)
roles("evaluation.manage", ADMIN, ORGANISER)


@rule("evaluation.view_opd")
def _view_opd(user, opd) -> bool:
    if user.role == OPD:
        return opd is not None and opd.id == user.opd_id
    return can(user, "evaluation.view_all")


@rule("evaluation.view_ranking")
def _view_ranking(user, ranking) -> bool:
    """A quarter's ranking: organisers and pimpinan always, an OPD once the organiser shares it."""
    if can(user, "evaluation.view_all"):
        return True
    return can(user, "evaluation.view") and ranking.target.shared_with_opds
