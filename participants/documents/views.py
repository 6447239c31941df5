"""Badges as PDF and the participant list as XLSX (see DESIGN.md "Contracts").

- ``GET /events/<slug>/badges.pdf``: the badges of everyone expected to attend (invited,
  confirmed, delegates; see ``participants.documents.badges``), organisers and admins only.
- ``GET /events/<slug>/registrations/<id>/badge.pdf``: one registration's badge, only while
  it holds a seat (the batch's rule); a declined, cancelled or delegated registration has no
  badge (404), so no live pass is printed for someone who is not coming.
- ``GET /events/<slug>/registrations.xlsx``: every registration with its status.

The batch answers at once: the headers and the first bytes of the PDF leave before the sheets
are drawn, so the browser shows the download in progress (a thousand badges take a few
seconds); the rest follows in chunks.
"""

import logging
from collections.abc import Iterator, Sequence

from flask import Blueprint, Response, abort

from agenda.permissions import visible_event_or_404
from app.auth.permissions import permission_required
from app.tabular import table_response
from participants.documents import badges as services

bp = Blueprint("badges", __name__, template_folder="../templates")  # participants/templates
log = logging.getLogger(__name__)


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
