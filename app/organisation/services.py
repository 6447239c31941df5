"""The letterhead as documents draw it, and its changes (audited)."""

import io
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select

from app import uploads
from app.audit.services import OBJECT_LABELS, record
from app.extensions import db
from app.organisation.models import Letterhead

OBJECT_LABELS["Letterhead"] = _l("Kop surat")
EMBLEM_KINDS = frozenset({"png", "jpeg"})


@dataclass(frozen=True)
class Kop:
    lines: list[str]
    contact: str  # "Jl. … Telepon … Laman …", or ""
    emblem: bytes | None


def configured_lines() -> list[str]:
    """``LETTERHEAD`` (a list, or text with one line per line or separated by "|"); without
    it the organisation's name and "SEKRETARIAT DAERAH"."""
    configured = current_app.config.get("LETTERHEAD")
    if configured:
        if isinstance(configured, str):
            configured = configured.replace("|", "\n").splitlines()
        lines = [line.strip() for line in configured if line and line.strip()]
        if lines:
            return lines
    name = current_app.config.get("ORGANISATION_NAME", "") or "Pemerintah Daerah"
    return [name.upper(), "SEKRETARIAT DAERAH"]


def letterhead_row() -> Letterhead | None:
    return db.session.scalar(select(Letterhead).order_by(Letterhead.id).limit(1))


def kop_content() -> Kop:
    """What the kop of a document shows now."""
    row = letterhead_row()
    if row is None:
        return Kop(configured_lines(), "", None)
    lines = [line.strip() for line in (row.lines or "").splitlines() if line.strip()]
    parts = [row.address.strip()]
    if row.phone.strip():
        parts.append(_("Telepon %(phone)s", phone=row.phone.strip()))
    if row.website.strip():
        parts.append(_("Laman %(website)s", website=row.website.strip()))
    if row.email.strip():
        parts.append(_("Pos-el %(email)s", email=row.email.strip()))
    emblem = None
    if row.emblem_sha256:
        try:
            emblem = uploads.read(row.emblem_sha256)
        except OSError:  # the file store was not restored with the database: no emblem
            emblem = None
    return Kop(lines or configured_lines(), " · ".join(p for p in parts if p), emblem)


def _check_image(data: bytes) -> None:
    """A PNG or JPG that can be drawn (not only one that starts like one)."""
    uploads.check(data, EMBLEM_KINDS)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if max(image.size) > 4000:
                raise uploads.UploadError(
                    _("Gambar lambang terlalu besar (paling besar 4000 piksel).")
                )
    except (OSError, Image.DecompressionBombError, SyntaxError):
        raise uploads.UploadError(_("Gambar lambang rusak atau tidak dapat dibaca.")) from None


def save_letterhead(
    *, lines: str, address: str, phone: str, website: str, email: str, emblem=None, remove=False
) -> Letterhead:
    """Change the letterhead; ``emblem`` (bytes) a PNG or JPG (``uploads.UploadError``
    otherwise, with nothing changed), ``remove`` drops the emblem."""
    if emblem:
        _check_image(emblem)
    stored = uploads.store(emblem, "lambang", EMBLEM_KINDS) if emblem else None
    row = letterhead_row()
    creating = row is None
    if creating:
        row = Letterhead()
        db.session.add(row)
    row.lines = "\n".join(line.strip() for line in lines.splitlines() if line.strip())
    row.address, row.phone = address.strip(), phone.strip()
    row.website, row.email = website.strip(), email.strip()
    if stored is not None:
        row.emblem_sha256 = stored.sha256
    elif remove:
        row.emblem_sha256 = None
    record(row, "create" if creating else "update")
    return row
