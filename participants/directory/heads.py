"""Heads of OPD: who holds the office of each OPD's head, and whether definitively or as
Plt./Plh. The invitation rules read these records; nothing is inferred from a level."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.opds.models import Opd
from participants.models import HEAD_CAPACITIES, OpdHead, Person

OBJECT_LABELS.setdefault("OpdHead", _l("Kepala OPD"))

# The kinds whose heads the "Kepala OPD" rule invites (the perangkat daerah proper); the heads
# of kecamatan and kelurahan have their own rule, bagian are units of the Sekretariat Daerah.
PD_KINDS = ("sekretariat", "inspektorat", "dinas", "badan", "satuan")
REGIONAL_KINDS = ("kecamatan", "kelurahan")


class HeadError(ValueError):
    """A head that cannot be set (message in the user's language)."""


def head_of(opd: Opd) -> OpdHead | None:
    return db.session.scalar(select(OpdHead).where(OpdHead.opd_id == opd.id))


def set_head(
    opd: Opd, person: Person, capacity: str = "definitif", title: str = "", since=None
) -> OpdHead:
    """Make ``person`` the head of ``opd`` (replacing whoever held it) and audit it."""
    if capacity not in HEAD_CAPACITIES:
        raise HeadError(_("Status kepala tidak dikenal."))
    if not person.active:
        raise HeadError(_("%(name)s tidak aktif.", name=person.name))
    head = head_of(opd)
    creating = head is None
    if creating:
        head = OpdHead(opd=opd)
        db.session.add(head)
    head.person = person
    head.capacity, head.title, head.since = capacity, (title or "").strip(), since
    record(head, "create" if creating else "update")
    return head


def clear_head(opd: Opd) -> bool:
    """The office is vacant from now on; False when it already was."""
    head = head_of(opd)
    if head is None:
        return False
    record(head, "delete")
    db.session.delete(head)
    return True


def heads_overview() -> list[tuple[Opd, OpdHead | None]]:
    """Every active OPD with its head (and the head's person) or None, in code order: the
    same few queries for any number of OPDs."""
    query = (
        select(Opd, OpdHead)
        .outerjoin(OpdHead, OpdHead.opd_id == Opd.id)
        .where(Opd.active.is_(True))
        .options(joinedload(OpdHead.person))
        .order_by(Opd.code)
    )
    return [(opd, head) for opd, head in db.session.execute(query).all()]


def head_person_ids(kinds) -> list[int]:
    """Ids of the active people recorded as heads of active OPDs of ``kinds``."""
    return list(
        db.session.scalars(
            select(OpdHead.person_id)
            .join(Opd, Opd.id == OpdHead.opd_id)
            .join(Person, Person.id == OpdHead.person_id)
            .where(Opd.active.is_(True), Opd.kind.in_(kinds), Person.active.is_(True))
            .distinct()
            .order_by(OpdHead.person_id)
        )
    )


def opds_without_head(kinds) -> list[Opd]:
    """Active OPDs of ``kinds`` with no head, or whose recorded head is no longer active."""
    active_heads = (
        select(OpdHead.opd_id)
        .join(Person, Person.id == OpdHead.person_id)
        .where(Person.active.is_(True))
    )
    return list(
        db.session.scalars(
            select(Opd)
            .where(Opd.active.is_(True), Opd.kind.in_(kinds), Opd.id.not_in(active_heads))
            .order_by(Opd.code)
        )
    )


def candidates(opd: Opd) -> list[Person]:
    """Who may be named head of ``opd`` from its page: its own active people, then those of
    its parent (an Asisten or a Sekretaris often acts as head), by name."""
    opd_ids = [opd.id] + ([opd.parent_id] if opd.parent_id else [])
    return list(
        db.session.scalars(
            select(Person)
            .join(Person.opd)
            .options(contains_eager(Person.opd))
            .where(Person.active.is_(True), Person.opd_id.in_(opd_ids))
            .order_by(Person.opd_id != opd.id, Person.name)
        )
    )
