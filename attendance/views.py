"""Attendance pages: the scanner (an installable offline app), the live dashboard, the lists,
the projector's self check-in code and the participant's own check-in."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agenda.event_links import event_link
from agenda.models import Event, EventSeries
from agenda.models import Session as AgendaSession
from agenda.permissions import visible_event_or_404
from app import pwa
from app.auth.models import ADMIN, OPERATOR, ORGANISER
from app.auth.permissions import can, permission_required
from app.core.home import home_panel, nav_item
from app.downloads import pdf_response
from app.extensions import db
from app.tabular import table_response
from app.timeutil import to_zone, utcnow
from attendance import checkins, documents, recap, services
from attendance.forms import (
    MARK_LABELS,
    RESULT_LABELS,
    STATUS_LABELS,
    ManualCheckInForm,
    MarkForm,
)
from participants.models import Registration

bp = Blueprint("attendance", __name__, template_folder="templates")
nav_item("attend", 40, _l("Presensi"), "attendance.index", "attendance.scan")
event_link(40, _l("Presensi"), "attendance.dashboard", "attendance.view")
event_link(41, _l("Pindai pass"), "attendance.scanner", "attendance.scan")

# What the scanner's service worker keeps, so it opens and scans with no network.
SCANNER_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "sinergi.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/jsqr/jsQR.js",
    "qrcamera.js",
    "scanner.js",
    "sinergi.js",  # the menus and the icons' stylesheet (applied after the page loads)
    "favicon.svg",
)


def _event_for_scan(slug: str) -> Event:
    event = visible_event_or_404(slug)
    if event.status == "draft":
        abort(404)
    return event


@bp.get("/attendance/")
@permission_required("attendance.scan")
def index():
    today = to_zone(utcnow()).date()
    events = checkins.scannable_events()
    current = [e for e in events if e.start_date <= today <= e.end_date]
    upcoming = sorted((e for e in events if e.start_date > today), key=lambda e: e.start_date)
    past = [e for e in events if e.end_date < today]
    return render_template(
        "attendance/index.html", current=current, upcoming=upcoming, past=past, today=today
    )


@home_panel(ADMIN, ORGANISER, OPERATOR, order=5)
def _today_panel(user):
    today = to_zone(utcnow()).date()
    events = [e for e in checkins.scannable_events() if e.start_date <= today <= e.end_date]
    if not events and not can(user, "attendance.scan_only"):
        return None
    return render_template("attendance/panel_today.html", events=events)


# --- the scanner (PWA) ------------------------------------------------------------------------


@bp.get("/events/<slug>/scan/")
@permission_required("attendance.scan")
def scanner(slug):
    event = _event_for_scan(slug)
    sessions = [s for s in event.sessions if not s.cancelled]
    response = Response(
        render_template(
            "attendance/scanner.html",
            event=event,
            sessions=sessions,
            attendance_sessions=services.attendance_sessions(event),
            results=RESULT_LABELS,
            theme_color=pwa.THEME_COLOR,
        )
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/events/<slug>/scan/sw.js")
@permission_required("attendance.scan")
def scanner_worker(slug):
    event = _event_for_scan(slug)
    return pwa.worker_response(
        url_for("attendance.scanner", slug=event.slug),
        pwa.offline_assets(SCANNER_ASSETS),
        "sinergi-scanner",
    )


@bp.get("/events/<slug>/scan/manifest.webmanifest")
@permission_required("attendance.scan")
def scanner_manifest(slug):
    event = _event_for_scan(slug)
    return pwa.manifest_response(
        _("Pemindai %(event)s", event=event.title),
        _("Pemindai"),
        url_for("attendance.scanner", slug=event.slug),
        url_for("static", filename="favicon.svg"),
    )


# --- dashboard and lists ---------------------------------------------------------------------


def _day_arg(event: Event) -> date:
    value = request.args.get("day", "")
    try:
        day = date.fromisoformat(value) if value else services.default_day(event)
    except ValueError:
        abort(404)
    if not event.start_date <= day <= event.end_date:
        abort(404)
    return day


def _session_arg(event: Event) -> AgendaSession | None:
    try:
        return services.session_of(event, request.args.get("session", type=int))
    except services.AttendanceError:
        abort(404)


def _overview(event: Event, day: date):
    sessions = [
        s
        for s in services.attendance_sessions(event)
        if to_zone(s.starts_at, event.timezone).date() == day
    ]
    return services.sheets(event, day, [None, *sessions])


@bp.get("/events/<slug>/attendance")
@permission_required("attendance.view")
def dashboard(slug):
    return _dashboard(slug, "attendance/dashboard.html")


@bp.get("/events/<slug>/attendance/live")
@permission_required("attendance.view")
def dashboard_live(slug):
    """The dashboard's body, polled by htmx every few seconds."""
    return _dashboard(slug, "attendance/_dashboard_body.html")


def _dashboard(slug: str, template: str) -> str:
    event = visible_event_or_404(slug)
    day = _day_arg(event)
    return render_template(
        template, event=event, day=day, sheets=_overview(event, day), statuses=STATUS_LABELS
    )


@bp.get("/events/<slug>/attendance/list")
@permission_required("attendance.view")
def attendance_list(slug):
    event = visible_event_or_404(slug)
    session = _session_arg(event)
    day = _day_arg(event) if session is None else None
    sheet = services.sheet(event, day, session)
    status = request.args.get("status", "")
    # Numbered as on the printed daftar hadir, so the two can be read side by side.
    rows = [
        (number, row)
        for number, row in enumerate(sheet.listing(), start=1)
        if not status or row.status == status
    ]
    return render_template(
        "attendance/list.html",
        event=event,
        sheet=sheet,
        rows=rows,
        status=status,
        statuses=STATUS_LABELS,
        marks=MARK_LABELS,
        sessions=services.attendance_sessions(event),
    )


def _list_url(event: Event, day: str, session_id) -> str:
    if session_id:
        return url_for("attendance.attendance_list", slug=event.slug, session=session_id)
    return url_for("attendance.attendance_list", slug=event.slug, day=day)


def _registration_of(event: Event, registration_id) -> Registration:
    registration = db.session.get(Registration, registration_id or 0)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.post("/events/<slug>/attendance/mark")
@permission_required("attendance.manage")
def mark(slug):
    event = visible_event_or_404(slug)
    form = MarkForm()
    if not form.validate_on_submit():
        flash(_("Keterangan tidak tersimpan: data formulir tidak lengkap."), "danger")
        return redirect(url_for("attendance.attendance_list", slug=slug))
    registration = _registration_of(event, form.registration_id.data)
    try:
        session = services.session_of(event, form.session_id.data)
        day = date.fromisoformat(form.day.data)
        services.mark_absence(event, registration, day, session, form.status.data, form.note.data)
    except (services.AttendanceError, ValueError) as exc:
        db.session.rollback()
        flash(str(exc) or _("Hari tidak dikenal."), "danger")
    else:
        db.session.commit()
        flash(_("Keterangan %(name)s disimpan.", name=registration.person.name), "success")
    return redirect(_list_url(event, form.day.data, form.session_id.data))


@bp.post("/events/<slug>/attendance/checkin")
@permission_required("attendance.manage")
def manual_checkin(slug):
    """The organiser records that someone came (forgot the pass, phone dead)."""
    event = visible_event_or_404(slug)
    form = ManualCheckInForm()
    day_text = request.form.get("day", "")
    if not form.validate_on_submit():
        abort(400)
    registration = _registration_of(event, form.registration_id.data)
    try:
        session = services.session_of(event, form.session_id.data)
        day = date.fromisoformat(day_text)
    except (services.AttendanceError, ValueError):
        abort(404)
    answer = services.manual_checkin(event, registration, day, session, current_user)
    label = RESULT_LABELS.get(answer["result"], answer["result"])
    if answer["result"] == "outside_event":
        label = f"{label}: {checkins.outside_message(event, session)}"
    flash(
        f"{registration.person.name}: {label}", "success" if answer["result"] == "ok" else "warning"
    )
    return redirect(_list_url(event, day_text, form.session_id.data))


@bp.get("/events/<slug>/daftar-hadir.<fmt>")
@permission_required("attendance.view")
def official_list(slug, fmt):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    event = visible_event_or_404(slug)
    session = _session_arg(event)
    sheet = services.sheet(event, None if session else _day_arg(event), session)
    name = f"daftar-hadir-{event.slug}-" + (
        f"sesi-{session.id}" if session else sheet.day.isoformat()
    )
    if fmt == "xlsx":
        header, rows = documents.attendance_table(sheet)
        return table_response(
            name,
            "xlsx",
            header,
            rows,
            title_rows=documents.title_rows(sheet),
            name=documents.sheet_name(sheet),
        )
    return pdf_response(documents.attendance_pdf(sheet), f"{name}.pdf")


@bp.get("/attendance/series/<int:series_id>")
@permission_required("attendance.view")
def series_recap(series_id):
    """Attendance per OPD across the events of a series (in person, delegated, absent)."""
    series = db.get_or_404(EventSeries, series_id)
    events, rows = recap.series_recap(series)
    today = to_zone(utcnow()).date()
    held = [event for event in events if event.start_date <= today]
    if request.args.get("format") == "xlsx":
        header = [_("OPD")]
        for event in held:
            header += [
                f"{event.title}: {_('hadir')}",
                f"{event.title}: {_('diwakili')}",
                f"{event.title}: {_('izin/sakit/dinas luar')}",
                f"{event.title}: {_('tidak hadir')}",
            ]
        table = []
        for opd, cells in rows:
            line = [opd.name if opd else _("Tamu dan narasumber")]
            for event in held:
                cell = cells.get(event.id, recap.SeriesCell())
                line += [cell.in_person, cell.delegated, cell.excused, cell.absent]
            table.append(line)
        return table_response(f"rekap-kehadiran-seri-{series.id}", "xlsx", header, table)
    return render_template(
        "attendance/series.html", series=series, events=held, rows=rows, empty=recap.SeriesCell()
    )
