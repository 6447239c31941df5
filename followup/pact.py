"""Integrity-pact targets (pakta integritas): what an OPD head signed, and how far the action
items that serve a target are. They live with the items, as priority programs do; evaluation
shows and adds them on the OPD profile."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.audit.services import OBJECT_LABELS, save_audited
from app.extensions import db
from app.opds.models import Opd
from followup.models import ActionItem, PactTarget
from followup.services import counted

OBJECT_LABELS["PactTarget"] = _l("Target pakta integritas")


def targets_of_year(year: int) -> list[PactTarget]:
    """Every OPD's targets of ``year`` (the choices an item may serve)."""
    return db.session.scalars(
        select(PactTarget)
        .where(PactTarget.year == year)
        .options(joinedload(PactTarget.opd))
        .order_by(PactTarget.opd_id, PactTarget.id)
    ).all()


def targets_of_opd(opd_id: int) -> list[PactTarget]:
    """One OPD's targets, newest year first."""
    return db.session.scalars(
        select(PactTarget)
        .where(PactTarget.opd_id == opd_id)
        .order_by(PactTarget.year.desc(), PactTarget.id)
    ).all()


def add_target(
    opd: Opd, *, year: int, indicator: str, target: str, achieved: str = "", sanction_note: str = ""
) -> PactTarget:
    """A target the OPD's head signed; audited."""
    return save_audited(
        PactTarget(),
        opd_id=opd.id,
        year=year,
        indicator=indicator.strip(),
        target=target.strip(),
        achieved=(achieved or "").strip(),
        sanction_note=(sanction_note or "").strip(),
    )


def progress(opd_id: int) -> dict[int, tuple[int, float]]:
    """Per pact target of the OPD: (linked items, their average progress), one query."""
    return {
        target_id: (count, float(avg or 0))
        for target_id, count, avg in db.session.execute(
            counted(select(ActionItem.pact_target_id, func.count(), func.avg(ActionItem.progress)))
            .join(PactTarget, PactTarget.id == ActionItem.pact_target_id)
            .where(PactTarget.opd_id == opd_id)
            .group_by(ActionItem.pact_target_id)
        )
    }
