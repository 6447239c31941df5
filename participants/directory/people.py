"""The people directory (officials and guests): search, look-up, save, activate."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import contains_eager

from app.audit.services import ACTION_LABELS, OBJECT_LABELS, record, save_audited
from app.extensions import db
from app.opds.models import Opd
from app.search import contains_text
from participants.models import Person
from participants.nip import normalize_nip

OBJECT_LABELS["Person"] = _l("Pejabat/tamu")
OBJECT_LABELS["PeopleImport"] = _l("Impor pejabat")
ACTION_LABELS.setdefault("import", _l("impor"))


# --- directory --------------------------------------------------------------------------------


def person_search_clause(search: str) -> ColumnElement[bool]:
    """The condition for a search box over people: ``search`` anywhere in the name, position,
    institution, e-mail or the OPD's code or names (case-insensitive; ``%`` and ``_`` are
    plain characters), or in the NIP written with or without spaces.

    The query must join ``Person`` and (outer) ``Person.opd``. A blank search matches all."""
    search = (search or "").strip()
    if not search:
        return true()
    condition = contains_text(
        search,
        Person.name,
        Person.position,
        Person.institution,
        Person.email,
        Opd.code,
        Opd.name,
        Opd.short_name,
    )
    digits = normalize_nip(search)
    if digits.isdigit():  # "19860926 201505" finds the NIP stored without spaces
        condition = or_(condition, Person.nip.like(f"%{digits}%"))
    return condition


def people_query(search: str = "", opd_id: int | None = None, level: str = "", status="active"):
    """People (with their OPD loaded in the same query) matching the directory filters."""
    query = (
        select(Person)
        .outerjoin(Person.opd)
        .options(contains_eager(Person.opd))
        .order_by(func.lower(Person.name), Person.id)
    )
    search = search.strip()
    if search:
        query = query.where(person_search_clause(search))
    if opd_id:
        query = query.where(Person.opd_id == opd_id)
    if level:
        query = query.where(Person.level == level)
    if status == "active":
        query = query.where(Person.active.is_(True))
    elif status == "inactive":
        query = query.where(Person.active.is_(False))
    return query


def get_by_nip(nip: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.nip == nip))


def get_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email.lower()))


def save_person(person: Person, **fields) -> Person:
    """Create (``person.id`` is None) or update a person and audit the write.

    ``nip`` must already be validated (bare digits) or empty; empty NIP/e-mail become NULL.
    """
    fields["nip"] = fields.get("nip") or None
    fields["email"] = (fields.get("email") or "").strip().lower() or None
    return save_audited(person, **fields)


def set_active(person: Person, active: bool) -> None:
    person.active = active
    record(person, "update")
