"""Certificates (sertifikat) for training events: who qualifies, numbering, the PDF.

A participant qualifies when present (on time or late) in at least the rule's share of the
attendance sessions meant for them (their group's and everyone's). Issuing numbers the new
qualifiers after those already issued; a certificate once issued keeps its number.
"""

import secrets
from dataclasses import dataclass
from io import BytesIO

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from agenda.models import Event
from app.audit.services import OBJECT_LABELS, record, save_audited
from app.extensions import db
from app.pdf import official_canvas
from attendance.models import Certificate, CertificateRule, CheckIn
from attendance.services import EXPECTED_STATUSES, attendance_sessions, event_registrations
from participants import passes
from participants.documents.letters import letter_for
from participants.nip import format_nip

OBJECT_LABELS["Certificate"] = _l("Sertifikat")
OBJECT_LABELS["CertificateRule"] = _l("Aturan sertifikat")
# The event's code (the rule's number_code, else its whole slug of up to 80 characters: the
# number fits its 100).
NUMBER_FORMAT = "{serial:03d}/SERT/{slug}/{year}"


def rule_for(event: Event) -> CertificateRule:
    rule = db.session.scalar(select(CertificateRule).where(CertificateRule.event_id == event.id))
    return rule or CertificateRule(event_id=event.id, min_percent=80, hours=0, title="SERTIFIKAT")


def save_rule(
    rule: CertificateRule, *, title: str, min_percent: int, hours: int, number_code: str = ""
) -> CertificateRule:
    """The event's certificate rule (title, minimum attendance, JP, the code in the number);
    audited."""
    return save_audited(
        rule,
        title=title.strip(),
        min_percent=min_percent,
        hours=hours or 0,
        number_code=(number_code or "").strip().upper(),
    )


def number_code(event: Event, rule: CertificateRule) -> str:
    """The code between SERT and the year: the rule's, else the event's whole slug."""
    return rule.number_code or event.slug.upper()


@dataclass
class Standing:
    registration: object
    attended: int
    expected: int
    certificate: Certificate | None

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.expected) if self.expected else 0


def standings(event: Event) -> list[Standing]:
    """Every participant's share of their attendance sessions, with any certificate issued."""
    sessions = attendance_sessions(event)
    attended: dict[int, set[int]] = {}
    for registration_id, session_id in db.session.execute(
        select(CheckIn.registration_id, CheckIn.session_id).where(
            CheckIn.event_id == event.id, CheckIn.result == "ok", CheckIn.session_id.is_not(None)
        )
    ):
        attended.setdefault(registration_id, set()).add(session_id)
    issued = {
        c.registration_id: c
        for c in db.session.scalars(select(Certificate).where(Certificate.event_id == event.id))
    }
    result = []
    for registration in event_registrations(event):
        if registration.status not in EXPECTED_STATUSES and registration.id not in attended:
            continue
        mine = [s.id for s in sessions if not s.track or s.track == registration.group]
        came = len(attended.get(registration.id, set()) & set(mine))
        result.append(Standing(registration, came, len(mine), issued.get(registration.id)))
    return result


def ranked_standings(event: Event) -> list[Standing]:
    """``standings`` as the organiser's page lists them: best attendance first, then by name."""
    return sorted(standings(event), key=lambda s: (-s.percent, s.registration.person.name))


def issue(event: Event, rule: CertificateRule) -> list[Certificate]:
    """Issue certificates to qualifiers who have none yet, under ``rule`` (saved first when it
    is still the default); audited. Returns the new ones."""
    if rule.id is None:
        save_audited(rule)
    serial = db.session.scalar(
        select(func.coalesce(func.max(Certificate.serial), 0)).where(
            Certificate.event_id == event.id
        )
    )
    made = []
    for standing in standings(event):
        if standing.certificate is not None or not standing.expected:
            continue
        if standing.percent < rule.min_percent:
            continue
        serial += 1
        certificate = Certificate(
            event_id=event.id,
            registration_id=standing.registration.id,
            serial=serial,
            number=NUMBER_FORMAT.format(
                serial=serial, slug=number_code(event, rule), year=event.end_date.year
            ),
            token=secrets.token_urlsafe(16),
            percent=standing.percent,
            hours=rule.hours,
        )
        db.session.add(certificate)
        record(certificate, "create")
        made.append(certificate)
    return made


def issued(event: Event) -> list[Certificate]:
    """The certificates of the event's participants (as ``standings`` lists them), by number."""
    return sorted(
        (s.certificate for s in standings(event) if s.certificate), key=lambda c: c.serial
    )


def certificate_of(registration) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.registration_id == registration.id)
    )


def certificate_by_token(token: str) -> Certificate | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.token == token))


def _draw(canvas: Canvas, certificate: Certificate, rule: CertificateRule, signer) -> None:
    width, height = landscape(A4)
    event, person = certificate.event, certificate.registration.person
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    center = width / 2
    canvas.setFont("Helvetica-Bold", 30)
    canvas.drawCentredString(center, height - 45 * mm, rule.title or "SERTIFIKAT")
    canvas.setFont("Helvetica", 11)
    canvas.drawCentredString(
        center, height - 53 * mm, _("Nomor: %(number)s", number=certificate.number)
    )
    canvas.setFont("Helvetica", 13)
    canvas.drawCentredString(center, height - 70 * mm, _("diberikan kepada"))
    canvas.setFont("Helvetica-Bold", 22)
    canvas.drawCentredString(center, height - 84 * mm, person.name)
    canvas.setFont("Helvetica", 12)
    if person.nip:
        canvas.drawCentredString(center, height - 92 * mm, _("NIP %(nip)s", nip=person.nip_display))
    canvas.setFont("Helvetica", 13)
    canvas.drawCentredString(center, height - 106 * mm, _("atas partisipasinya sebagai peserta"))
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawCentredString(center, height - 115 * mm, event.title)
    canvas.setFont("Helvetica", 12)
    days = format_date(event.start_date, "d MMMM y")
    if event.end_date != event.start_date:
        days = (
            f"{format_date(event.start_date, 'd MMMM')} – {format_date(event.end_date, 'd MMMM y')}"
        )
    line = f"{event.venue}, {days}" if event.venue else days
    if certificate.hours:
        line += " · " + _("%(hours)s jam pelajaran (JP)", hours=certificate.hours)
    canvas.drawCentredString(center, height - 123 * mm, line)
    # Signature block on the right, verification QR on the left.
    x = width - 95 * mm
    canvas.setFont("Helvetica", 11)
    y = 58 * mm
    for text in (signer.signatory_position or "").splitlines():
        canvas.drawString(x, y, text)
        y -= 5 * mm
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(x, 30 * mm, signer.signatory_name or "")
    canvas.setFont("Helvetica", 10)
    if signer.signatory_nip:  # printed as the participant's is
        canvas.drawString(x, 25 * mm, _("NIP %(nip)s", nip=format_nip(signer.signatory_nip)))
    url = url_for("attendance.certificates.verify", token=certificate.token, _external=True)
    canvas.drawImage(
        ImageReader(BytesIO(passes.qr_png(url, box_size=4))), 25 * mm, 22 * mm, 32 * mm, 32 * mm
    )
    canvas.setFont("Helvetica", 8)
    canvas.drawString(25 * mm, 19 * mm, _("Pindai untuk memeriksa keaslian"))


def certificates_pdf(certificates: list[Certificate], rule: CertificateRule) -> bytes:
    out = BytesIO()
    canvas = official_canvas(out, title=_("Sertifikat"), pagesize=landscape(A4))
    signer = letter_for(certificates[0].event) if certificates else None
    for certificate in certificates:
        _draw(canvas, certificate, rule, signer)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
