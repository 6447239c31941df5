"""OPD registry logic shared by views, CLI and demo."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.audit.services import record
from app.extensions import db
from app.opds.models import OPD_KINDS, Opd
from app.search import contains_text
from app.tabular import Row

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
IMPORT_COLUMNS = ["kode", "nama", "singkatan", "jenis", "induk", "aktif"]
REQUIRED_COLUMNS = ["kode", "nama", "jenis"]
_TRUE = {"", "1", "ya", "y", "yes", "true", "aktif"}
_FALSE = {"0", "tidak", "t", "no", "false", "nonaktif"}


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


def import_opds(rows: list[Row]) -> tuple[int, int, list[tuple[int, str]]]:
    """Create or update OPDs from table rows, matched by code. All or nothing.

    Returns (created, updated, errors); when there are errors nothing is written.
    """
    existing = {opd.code: opd for opd in db.session.scalars(select(Opd))}
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    parsed = []
    for row in rows:
        values = row.values
        code = values.get("kode", "").upper()
        name = values.get("nama", "")
        kind = values.get("jenis", "").lower()
        parent_code = values.get("induk", "").upper()
        active_text = values.get("aktif", "").lower()
        problems = []
        if not CODE_PATTERN.match(code):
            problems.append(_("kode harus huruf besar, angka atau tanda hubung (maks. 32)"))
        elif code in seen:
            problems.append(
                _("kode %(code)s ganda (juga di baris %(row)s)", code=code, row=seen[code])
            )
        if not name:
            problems.append(_("nama wajib diisi"))
        if kind not in OPD_KINDS:
            problems.append(
                _(
                    "jenis %(kind)s tidak dikenal (pilih: %(kinds)s)",
                    kind=kind or "-",
                    kinds=", ".join(OPD_KINDS),
                )
            )
        if active_text not in _TRUE | _FALSE:
            problems.append(_("aktif harus 'ya' atau 'tidak'"))
        if parent_code and parent_code == code:
            problems.append(_("induk tidak boleh OPD itu sendiri"))
        if problems:
            errors.extend((row.number, problem) for problem in problems)
        if code and code not in seen:
            seen[code] = row.number
        parsed.append(
            (
                row.number,
                code,
                name,
                values.get("singkatan", ""),
                kind,
                parent_code,
                active_text not in _FALSE,
            )
        )

    known_codes = set(existing) | set(seen)
    for number, *_rest, parent_code, _active in parsed:
        if parent_code and parent_code not in known_codes:
            errors.append((number, _("induk %(code)s tidak ditemukan", code=parent_code)))
    if not errors:
        errors = _cycle_errors(existing, parsed)
    if errors:
        return 0, 0, sorted(errors)

    # New OPDs first, so every parent has an id; then set all fields and audit each row.
    new = set()
    for _number, code, name, _short, kind, _parent, _active in parsed:
        if code not in existing:
            existing[code] = Opd(code=code, name=name, short_name=name, kind=kind)
            db.session.add(existing[code])
            new.add(code)
    db.session.flush()
    for _number, code, name, short_name, kind, parent_code, active in parsed:
        opd = existing[code]
        opd.name, opd.short_name, opd.kind, opd.active = name, short_name or name, kind, active
        opd.parent_id = existing[parent_code].id if parent_code else None
        record(opd, "create" if code in new else "update")
    return len(new), len(parsed) - len(new), []


def _cycle_errors(existing: dict[str, Opd], parsed) -> list[tuple[int, str]]:
    """Rows whose parent chain (after the import) would loop back to themselves."""
    code_of = {opd.id: code for code, opd in existing.items()}
    parent_of = {code: code_of.get(opd.parent_id) for code, opd in existing.items()}
    parent_of.update({code: parent or None for _n, code, *_r, parent, _a in parsed})
    errors = []
    for number, code, *_rest in parsed:
        seen, node = set(), code
        while node is not None and node not in seen:
            seen.add(node)
            node = parent_of.get(node)
        if node is not None:
            errors.append((number, _("induk membentuk lingkaran")))
    return errors


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
