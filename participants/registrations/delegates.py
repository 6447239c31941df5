"""Delegates (*diwakilkan*) and a participant's own answer from the personal page."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.timeutil import utcnow
from participants import passes
from participants.directory.people import get_by_email, save_person
from participants.models import (
    Person,
    Registration,
)
from participants.registrations.changes import active_delegates, set_status
from participants.registrations.core import RegistrationError, check_capacity, holds_seat

# --- delegates --------------------------------------------------------------------------------


def delegate_person(head: Registration, fields: dict, *, match_email: bool = False) -> Person:
    """The delegate named on a form: a new non-directory person (level non-ASN) in the head's
    OPD unless another OPD or an institution is given.

    Only an organiser's form may name a directory person by e-mail (``match_email``): a
    participant could otherwise take over anyone's registration, link and pass by typing
    their address. An e-mail that belongs to someone else is not saved on the new person
    (e-mails are unique); ``set_delegate`` notes it for the organiser.
    """
    name = (fields.get("name") or "").strip()
    email = (fields.get("email") or "").strip().lower() or None
    owner = get_by_email(email) if email else None
    if owner is not None and match_email:
        return owner
    if not name:
        raise RegistrationError(_("Nama wakil wajib diisi."))
    if owner is not None:
        email = None
    opd_id = fields.get("opd_id")
    institution = (fields.get("institution") or "").strip()
    if opd_id is None and not institution:
        opd_id = head.person.opd_id
        institution = "" if opd_id else head.person.institution
    return save_person(
        Person(),
        nip=None,
        name=name[:200],
        position=(fields.get("position") or "").strip()[:200],
        level="non_asn",
        golongan="",
        opd_id=opd_id or None,
        institution=institution[:200],
        email=email,
        phone=(fields.get("phone") or "").strip()[:40],
        active=True,
    )


def set_delegate(
    head: Registration,
    person: Person | None = None,
    *,
    new_person: dict | None = None,
    note: str = "",
    match_email: bool = False,
) -> Registration:
    """Let ``person`` (or a new person from ``new_person`` fields) stand in for ``head``.

    The head becomes ``delegated``; any previous active delegate is cancelled; the delegate's
    registration (new, or the person's earlier cancelled/declined one reused) is ``confirmed``.
    A reused registration gets a new pass and a new personal link: whoever held the old ones
    (its former owner, or whoever saw them) finds them revoked.

    ``person`` is for the organiser's pick from the directory; ``match_email`` lets the
    organiser's form name a directory person by e-mail. A participant's own answer passes
    neither: it always creates a new person (see ``delegate_person``).
    """
    event = head.event
    if head.delegate_of_id is not None:
        raise RegistrationError(_("Seorang wakil tidak dapat mewakilkan lagi."))
    if head.status == "cancelled":
        raise RegistrationError(_("Registrasi ini sudah dibatalkan."))
    if person is None:
        given = new_person or {}
        person = delegate_person(head, given, match_email=match_email)
        email = (given.get("email") or "").strip().lower()
        if email and person.email != email:
            dropped = _(
                "Email wakil %(email)s sudah dipakai orang lain di direktori sehingga tidak "
                "disimpan pada data wakil.",
                email=email,
            )
            note = f"{note.strip()} {dropped}".strip()
    if not person.active:
        raise RegistrationError(
            _(
                "%(name)s tidak aktif di direktori sehingga tidak dapat menjadi wakil.",
                name=person.name,
            )
        )
    if person.id == head.person_id:
        raise RegistrationError(_("Wakil harus orang lain."))
    current = active_delegates(head)
    existing = (
        db.session.scalar(
            select(Registration).where(
                Registration.event_id == event.id, Registration.person_id == person.id
            )
        )
        if person.id is not None
        else None
    )
    if existing is not None and existing in current:
        if head.status != "delegated":
            head.status = "delegated"
            record(head, "update")
        return existing
    if existing is not None and (
        existing.status not in ("cancelled", "declined") or existing.delegates
    ):
        raise RegistrationError(
            _(
                "%(name)s sudah terdaftar sendiri di acara ini; ubah atau batalkan registrasinya "
                "terlebih dahulu.",
                name=person.name,
            )
        )
    check_capacity(event, 1 - holds_seat(head.status) - len(current))
    now = utcnow()
    for delegate in current:
        delegate.status = "cancelled"
        record(delegate, "update")
    head.status, head.responded_at = "delegated", now
    record(head, "update")
    fields = {
        "delegate_of": head,
        "role": head.role,
        "group": head.group,
        "status": "confirmed",
        "responded_at": now,
        "note": note.strip(),
    }
    if existing is not None:
        for key, value in fields.items():
            setattr(existing, key, value)
        record(existing, "update")
        passes.reissue(existing, "pass")
        passes.reissue(existing, "link")
        return existing
    delegate = Registration(event=event, person=person, invited_at=now, **fields)
    db.session.add(delegate)
    record(delegate, "create")
    return delegate


def undo_delegate(head: Registration, status: str = "invited") -> None:
    """Take back a delegation: the active delegate is cancelled, the head gets ``status``."""
    if head.status != "delegated":
        raise RegistrationError(_("Registrasi ini tidak sedang diwakilkan."))
    set_status(head, status)


def respond(registration: Registration, answer: str, delegate: dict | None = None) -> None:
    """A participant's own answer from the personal page: attend, not attend, or send a
    delegate (name, position, phone, e-mail)."""
    if registration.status == "cancelled":
        raise RegistrationError(_("Registrasi ini sudah dibatalkan oleh panitia."))
    if registration.event.status == "closed":
        raise RegistrationError(_("Acara sudah selesai; jawaban tidak dapat diubah lagi."))
    if answer == "delegated":
        if registration.delegate_of_id is not None:
            raise RegistrationError(_("Seorang wakil tidak dapat mewakilkan lagi."))
        # Never a directory person: see ``delegate_person``.
        set_delegate(registration, new_person=delegate or {}, match_email=False)
    elif answer in ("confirmed", "declined"):
        if registration.status != answer:
            set_status(registration, answer)
    else:
        raise RegistrationError(_("Pilih jawaban."))
