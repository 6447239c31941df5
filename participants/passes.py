"""Passes and personal links: opaque tokens, their QR codes, revocation and lookup.

A pass QR carries only the token (no personal data). Reissuing a token moves the old one to
RevokedToken, so a photographed or lost pass scans as "revoked", never as someone else.
Used by registrations, the personal page, badges and attendance's door, so it lives at the
package level, below them all.
"""

import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.extensions import db
from participants.models import Registration, RevokedToken, new_token

_COLUMN = {"pass": Registration.pass_token, "link": Registration.link_token}


@dataclass
class TokenLookup:
    registration: Registration | None
    state: str  # "active", "revoked" or "unknown"


def lookup(token: str, kind: str = "pass") -> TokenLookup:
    """Who a scanned or visited token belongs to, in at most two queries."""
    if not token or len(token) > 64:
        return TokenLookup(None, "unknown")
    registration = db.session.scalar(
        select(Registration)
        .where(_COLUMN[kind] == token)
        .options(joinedload(Registration.person), joinedload(Registration.event))
    )
    if registration is not None:
        return TokenLookup(registration, "active")
    revoked = replaced(token, kind)
    if revoked is not None:
        registration = (
            db.session.get(Registration, revoked.registration_id)
            if revoked.registration_id
            else None
        )
        return TokenLookup(registration, "revoked")
    return TokenLookup(None, "unknown")


def replaced(token: str, kind: str = "pass"):
    """The record of ``token`` having been replaced (its ``registration_id``: whose it was,
    None once that registration is gone), or None for a token never issued."""
    return db.session.execute(
        select(RevokedToken.registration_id).where(
            RevokedToken.token == token, RevokedToken.kind == kind
        )
    ).first()


def reissue(registration: Registration, kind: str = "pass") -> str:
    """Revoke the current pass (or personal link) and issue a new one."""
    attribute = f"{kind}_token"
    old = getattr(registration, attribute)
    db.session.add(RevokedToken(token=old, kind=kind, registration_id=registration.id))
    setattr(registration, attribute, new_token())
    record(registration, "reissue", changes={attribute: ["***", "***"]})
    return getattr(registration, attribute)


def _qr(token: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(token)
    code.make(fit=True)
    return code


def qr_svg(token: str) -> str:
    """The QR code as inline SVG markup (scales to any size on the pass page)."""
    image = _qr(token).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_png(token: str, box_size: int = 8) -> bytes:
    """The QR code as PNG bytes (for PDFs)."""
    code = _qr(token)
    code.box_size = box_size
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
