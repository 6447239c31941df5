"""OPD registry logic shared by views, CLI and demo."""

import re

from sqlalchemy import func, or_, select

from app.audit.services import record
from app.extensions import db
from app.opds.models import Opd
from app.search import contains_text

IMPORT_COLUMNS = ["kode", "nama", "singkatan", "jenis", "induk", "aktif"]


def opd_query(search: str = "", kind: str = "", include_inactive: bool = True):
    query = select(Opd).order_by(Opd.code)
    if search:
        query = query.where(contains_text(search, Opd.code, Opd.name, Opd.short_name))
    if kind:
        query = query.where(Opd.kind == kind)
    if not include_inactive:
        query = query.where(Opd.active.is_(True))
    return query


def active_opds() -> list[Opd]:
    return list(db.session.scalars(opd_query(include_inactive=False)))


def get_by_code(code: str) -> Opd | None:
    return db.session.scalar(select(Opd).where(Opd.code == code.upper()))


def opd_by_text(text: str) -> Opd | None:
    """The OPD typed in a type-ahead field: its code, "CODE — name", or its exact name."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.split(" — ", 1)[0].strip()
    return db.session.scalar(
        select(Opd).where(
            Opd.active.is_(True),
            or_(func.upper(Opd.code) == code.upper(), func.lower(Opd.name) == text.lower()),
        )
    )


OPD_LIST_SEPARATOR = "; "


def opds_by_text(text: str) -> tuple[list[Opd], list[str]]:
    """The OPDs typed in a type-ahead that takes several (``OPD_LIST_SEPARATOR`` between them,
    or one a line), each as ``opd_by_text`` reads it: (OPDs in order without repeats, the parts
    that name no active OPD)."""
    found: list[Opd] = []
    unknown: list[str] = []
    for part in re.split(r"[;\n]", text or ""):
        if not part.strip():
            continue
        opd = opd_by_text(part)
        if opd is None:
            unknown.append(part.strip())
        elif opd not in found:
            found.append(opd)
    return found, unknown


def opd_list_text(opds) -> str:
    """OPDs as the several-OPD type-ahead shows them."""
    return OPD_LIST_SEPARATOR.join(f"{o.code} — {o.name}" for o in opds)


def save_opd(opd: Opd, *, code, name, short_name, kind, parent_id, active=True) -> Opd:
    """Create (``opd.id`` is None) or update an OPD and audit the write."""
    creating = opd.id is None
    opd.code, opd.name, opd.short_name = code.upper(), name, short_name or name
    opd.kind, opd.parent_id, opd.active = kind, parent_id or None, active
    if creating:
        db.session.add(opd)
    record(opd, "create" if creating else "update")
    return opd


def set_active(opd: Opd, active: bool) -> None:
    opd.active = active
    record(opd, "update")


def would_create_cycle(opd: Opd, parent_id: int | None) -> bool:
    """True when ``parent_id`` is ``opd`` itself or one of its descendants."""
    seen = set()
    while parent_id is not None and parent_id not in seen:
        if opd.id is not None and parent_id == opd.id:
            return True
        seen.add(parent_id)
        parent_id = db.session.scalar(select(Opd.parent_id).where(Opd.id == parent_id))
    return False


def export_rows() -> tuple[list[str], list[list]]:
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all()
    by_id = {opd.id: opd for opd in opds}
    rows = [
        [
            opd.code,
            opd.name,
            opd.short_name,
            opd.kind,
            by_id[opd.parent_id].code if opd.parent_id else "",
            "ya" if opd.active else "tidak",
        ]
        for opd in opds
    ]
    return IMPORT_COLUMNS, rows
