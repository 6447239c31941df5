"""Choosing whom to invite: heads of OPD, camat and lurah, officials of a level, people of OPDs."""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.opds.models import Opd
from participants.directory import heads
from participants.models import (
    PERSON_LEVELS,
    Person,
)
from participants.registrations.core import RegistrationError, chunks

# --- choosing whom to invite -------------------------------------------------------------------


def heads_of_opd() -> list[int]:
    """Ids of the heads of OPD as recorded in the OPD registry (definitive, Plt. or Plh.)."""
    return heads.head_person_ids(heads.PD_KINDS)


def camat_and_lurah() -> list[int]:
    """Ids of the recorded heads of the active kecamatan and kelurahan."""
    return heads.head_person_ids(heads.REGIONAL_KINDS)


def opds_without_head() -> dict[str, list[Opd]]:
    """Per rule, the OPDs it would skip because nobody is recorded as their head."""
    return {
        "heads": heads.opds_without_head(heads.PD_KINDS),
        "camat_lurah": heads.opds_without_head(heads.REGIONAL_KINDS),
    }


def officials_of_level(level: str) -> list[int]:
    if level not in PERSON_LEVELS:
        raise RegistrationError(_("Jenjang jabatan tidak dikenal."))
    return list(
        db.session.scalars(
            select(Person.id)
            .where(Person.active.is_(True), Person.level == level)
            .order_by(Person.id)
        )
    )


def people_by_rule(rule: str, level: str = "") -> list[int]:
    if rule == "heads":
        return heads_of_opd()
    if rule == "camat_lurah":
        return camat_and_lurah()
    if rule == "level":
        return officials_of_level(level)
    raise RegistrationError(_("Aturan undangan tidak dikenal."))


def opd_ids_with_children(opd_ids, include_children: bool) -> set[int]:
    """The chosen OPDs, plus (on request) every active OPD below them, at any depth."""
    chosen = {int(i) for i in opd_ids}
    if not include_children or not chosen:
        return chosen
    children = defaultdict(list)
    for opd_id, parent_id in db.session.execute(
        select(Opd.id, Opd.parent_id).where(Opd.active.is_(True), Opd.parent_id.is_not(None))
    ):
        children[parent_id].append(opd_id)
    result, todo = set(chosen), list(chosen)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in result:
                result.add(child)
                todo.append(child)
    return result


def people_of_opds(opd_ids, include_children: bool = False) -> list[int]:
    """Ids of the active people of the given OPDs (and, on request, of the units below them)."""
    ids = sorted(opd_ids_with_children(opd_ids, include_children))
    people = []
    for chunk in chunks(ids):
        people += db.session.scalars(
            select(Person.id)
            .where(Person.active.is_(True), Person.opd_id.in_(chunk))
            .order_by(Person.id)
        )
    return people


def rule_sizes() -> dict:
    """How many active people each rule selects (for the invite page)."""
    by_level = dict(
        db.session.execute(
            select(Person.level, func.count()).where(Person.active.is_(True)).group_by(Person.level)
        ).all()
    )
    return {
        "heads": len(heads_of_opd()),
        "camat_lurah": len(camat_and_lurah()),
        "levels": {level: by_level.get(level, 0) for level in PERSON_LEVELS},
    }
