"""Self check-in pages: the projector's rotating code, the participant's confirmation from
their own phone, and their attendance on the personal page."""

from flask import Blueprint, Response, abort, render_template, request, url_for
from markupsafe import Markup

from agenda.models import Session as AgendaSession
from agenda.permissions import event_session_or_404, visible_event_or_404
from app.auth.permissions import permission_required
from app.forms import ActionForm
from app.timeutil import to_zone, utcnow
from attendance import services
from attendance.forms import RESULT_LABELS, STATUS_LABELS
from attendance.self_checkin import services as selfcheckin
from participants import passes, personal

bp = Blueprint("self_checkin", __name__)


@bp.get("/events/<slug>/sessions/<int:session_id>/projector")
@permission_required("attendance.manage")
def projector(slug, session_id):
    event = visible_event_or_404(slug)
    session = event_session_or_404(event, session_id)
    return render_template(
        "attendance/self_checkin/projector.html",
        event=event,
        session=session,
        **_projector_code(session),
    )


@bp.get("/events/<slug>/sessions/<int:session_id>/projector/code")
@permission_required("attendance.manage")
def projector_code(slug, session_id):
    """The current code, polled by the projector page (htmx) as the window turns."""
    event = visible_event_or_404(slug)
    session = event_session_or_404(event, session_id)
    response = Response(
        render_template(
            "attendance/self_checkin/_projector_code.html",
            session=session,
            **_projector_code(session),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _projector_code(session: AgendaSession) -> dict:
    window = selfcheckin.current_window()
    url = url_for(
        "attendance.self_checkin.check_in",
        session_id=session.id,
        window=window,
        code=selfcheckin.session_code(session, window),
        _external=True,
    )
    sheet = services.sheet(session.event, session=session)
    return {
        "not_open": selfcheckin.not_open_message(session),
        # The SVG is drawn by the qrcode library from our own URL.
        "qr": Markup(passes.qr_svg(url)),  # noqa: S704
        "present": sheet.present,
        "expected": sheet.expected,
    }


def _self_context(session_id: int):
    session = selfcheckin.session_for_phone(session_id)
    if session is None:
        abort(404)
    device, registration = personal.remembered_device(session.event_id)
    return session, registration, device


@bp.route("/hadir/<int:session_id>/<int:window>/<code>", methods=["GET", "POST"])
def check_in(session_id, window, code):
    """Opened by the participant's phone camera from the projector's QR code."""
    session, registration, device = _self_context(session_id)
    error = answer = None
    form = ActionForm()  # who it is comes from the phone, never from the form
    try:
        selfcheckin.check_code(session, window, code)
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            answer = selfcheckin.check_in(session, registration, device)
        else:
            selfcheckin.recognised(session, registration, device)
    except selfcheckin.SelfCheckInError as exc:
        error = str(exc)
    response = Response(
        render_template(
            "attendance/self_checkin/check_in.html",
            session=session,
            event=session.event,
            registration=registration,
            error=error,
            answer=answer,
            results=RESULT_LABELS,
            form=form,
        ),
        status=422 if error and request.method == "POST" else 200,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@personal.personal_section(order=50)
def _own_attendance(registration):
    """The participant's own attendance on their personal page."""
    event = registration.event
    rows = services.own_attendance(registration)
    if not rows:
        return None
    today = to_zone(utcnow(), event.timezone).date()
    return render_template(
        "attendance/self_checkin/personal_section.html",
        rows=rows,
        statuses=STATUS_LABELS,
        event=event,
        # Today's sessions take attendance: the page offers to scan the room's code.
        self_scan=any(item["session"] is not None and item["day"] == today for item in rows),
    )
