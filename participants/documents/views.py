"""What is printed for participants: badges (PDF), the participant list (XLSX) and the
invitation letters (their settings page and PDFs). See DESIGN.md "Contracts".

- ``GET /events/<slug>/badges.pdf``: the badges of everyone expected to attend (invited,
  confirmed, delegates; see ``participants.documents.badges``), organisers and admins only.
- ``GET /events/<slug>/registrations/<id>/badge.pdf``: one registration's badge, only while
  it holds a seat (the batch's rule); a declined, cancelled or delegated registration has no
  badge (404), so no live pass is printed for someone who is not coming.
- ``GET /events/<slug>/registrations.xlsx``: every registration with its status.
- ``/manage/events/<slug>/letter``: the letter's settings, with links to the letters of every
  OPD in one PDF, of one OPD, or of one guest.

The batch answers at once: the headers and the first bytes of the PDF leave before the sheets
are drawn, so the browser shows the download in progress (a thousand badges take a few
seconds); the rest follows in chunks.
"""

import logging
from collections.abc import Iterator, Sequence

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from agenda.event_links import event_link
from agenda.permissions import visible_event_or_404
from app import background_documents as jobs
from app.auth.permissions import permission_required
from app.downloads import pdf_response
from app.extensions import db
from app.forms import require_csrf
from app.opds.models import Opd
from app.tabular import XLSX_MIMETYPE, table_response
from participants.documents import badges as services
from participants.documents import letters, tasks
from participants.forms import LetterForm
from participants.models import Registration
from participants.nip import format_nip

bp = Blueprint("documents", __name__, template_folder="../templates")  # participants/templates
log = logging.getLogger(__name__)

event_link(30, _l("Surat undangan"), "documents.letter_settings", "outbox.view")


PDF_SIGNATURE = b"%PDF-"  # how every PDF file starts
CHUNK = 256 * 1024


def _pdf_stream(badges: Sequence[services.Badge], sheet: services.SheetText) -> Iterator[bytes]:
    # Plain values only from here on: this runs after the view has returned.
    yield PDF_SIGNATURE
    try:
        body = services.badges_pdf(badges, sheet)
    except Exception:
        log.exception("badge PDF failed (%s badges)", len(badges))
        raise
    assert body.startswith(PDF_SIGNATURE)
    view = memoryview(body)
    for start in range(len(PDF_SIGNATURE), len(body), CHUNK):
        yield bytes(view[start : start + CHUNK])


def _pdf_response(badges, sheet, filename: str, disposition: str) -> Response:
    response = Response(_pdf_stream(badges, sheet), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data and live pass tokens
    return response


@bp.get("/events/<slug>/badges.pdf")
@permission_required("badges.print")
def event_badges(slug):
    event = visible_event_or_404(slug)
    badges = [services.badge_for(r) for r in services.expected_registrations(event)]
    return _pdf_response(
        badges, services.sheet_text(event), f"badge-{event.slug}.pdf", "attachment"
    )


@bp.post("/events/<slug>/badges/background")
@permission_required("badges.print")
def badges_background(slug):
    """The badge book built by a worker; the requester follows it on the download page."""
    event = visible_event_or_404(slug)
    return _in_background(
        tasks.build_badges,
        event,
        _("Pass · %(event)s", event=event.title),
        f"badge-{event.slug}.pdf",
        "application/pdf",
    )


@bp.post("/events/<slug>/registrations/background")
@permission_required("registrations.view")
def participant_list_background(slug):
    event = visible_event_or_404(slug)
    return _in_background(
        tasks.build_participant_list,
        event,
        _("Daftar peserta · %(event)s", event=event.title),
        f"peserta-{event.slug}.xlsx",
        XLSX_MIMETYPE,
    )


def _in_background(task, event, title: str, filename: str, mimetype: str):
    """A document of ``event`` built by a worker; the requester follows it on its page."""
    require_csrf()
    job = jobs.start(task, event.id, title=title, filename=filename, mimetype=mimetype)
    return redirect(url_for("core.download", token=job.token))


@bp.get("/events/<slug>/registrations/<int:registration_id>/badge.pdf")
@permission_required("badges.print")
def registration_badge(slug, registration_id):
    event = visible_event_or_404(slug)
    registration = services.event_registration(event, registration_id)
    if registration is None or registration.status not in services.EXPECTED_STATUSES:
        abort(404)
    return _pdf_response(
        [services.badge_for(registration)],
        services.sheet_text(event),
        f"badge-{event.slug}-{registration.id}.pdf",
        "inline",
    )


@bp.get("/events/<slug>/registrations.xlsx")
@permission_required("registrations.view")  # admin, organiser, operator, viewer
def participant_list(slug):
    event = visible_event_or_404(slug)
    header, rows = services.participant_table(services.participant_list(event))
    return table_response(f"peserta-{event.slug}", "xlsx", header, rows)


# --- invitation letters ---------------------------------------------------------------------------


@bp.route("/manage/events/<slug>/letter", methods=["GET", "POST"])
@permission_required("outbox.manage")
def letter_settings(slug):
    event = visible_event_or_404(slug)
    letter = letters.letter_for(event)
    form = LetterForm(obj=letter)
    if request.method == "GET":
        form.signatory_nip.data = format_nip(letter.signatory_nip)
    if form.validate_on_submit():
        letters.save_letter(
            letter,
            **{
                name: (getattr(form, name).data or "").strip()
                for name in letters.LETTER_FIELDS
                if name != "letter_date"
            },
            letter_date=form.letter_date.data,
        )
        db.session.commit()
        flash(_("Pengaturan surat undangan disimpan."), "success")
        return redirect(url_for("documents.letter_settings", slug=slug))
    return render_template(
        "participants/documents/letter_settings.html",
        event=event,
        form=form,
        saved=letter.id is not None,
        gaps=letters.letter_gaps(letter),
        opds=letters.opd_summary(event),
        guests=letters.guests(event),
    )


@bp.get("/manage/events/<slug>/letters/opd.pdf")
@permission_required("outbox.manage")
def letters_all_opds(slug):
    event = visible_event_or_404(slug)
    data = letters.letters_pdf(event, letters.letter_for(event), letters.opd_targets(event))
    return pdf_response(data, f"surat-undangan-{event.slug}.pdf")


@bp.get("/manage/events/<slug>/letters/opd/<int:opd_id>.pdf")
@permission_required("outbox.manage")
def letter_opd(slug, opd_id):
    event = visible_event_or_404(slug)
    opd = db.get_or_404(Opd, opd_id)
    data = letters.letters_pdf(
        event, letters.letter_for(event), letters.opd_targets(event, [opd.id])
    )
    return pdf_response(data, f"surat-undangan-{event.slug}-{opd.code.lower()}.pdf")


@bp.get("/manage/events/<slug>/letters/registration/<int:registration_id>.pdf")
@permission_required("outbox.manage")
def letter_registration(slug, registration_id):
    event = visible_event_or_404(slug)
    registration = db.get_or_404(Registration, registration_id)
    if registration.event_id != event.id:
        abort(404)
    data = letters.letters_pdf(
        event, letters.letter_for(event), [letters.person_target(registration)]
    )
    return pdf_response(data, f"surat-undangan-{event.slug}-{registration.id}.pdf")
