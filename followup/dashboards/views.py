"""Follow-up dashboards (all OPDs ranked; one OPD's picture) and the recap export."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from agenda.models import Event, EventSeries
from app.auth.permissions import permission_required
from app.downloads import pdf_response
from app.extensions import db
from app.opds.models import Opd
from app.tabular import table_response
from followup.dashboards import services as dashboards
from followup.forms import STATUS_LABELS, labels

bp = Blueprint("dashboards", __name__)


def _scope() -> tuple[dashboards.Scope, dict]:
    args = request.args
    scope = dashboards.Scope(
        event_id=args.get("event", type=int),
        series_id=args.get("series", type=int),
        year=args.get("year", type=int),
    )
    return scope, {k: v for k, v in vars(scope).items() if v}


@bp.get("/tindak-lanjut/dasbor")
@permission_required("followup.view_all")
def index():
    """All OPDs ranked by completion and overdue items (pimpinan and organisers)."""
    scope, args = _scope()
    ranking = dashboards.standings(scope)
    return render_template(
        "followup/dashboards/index.html",
        ranking=ranking,
        total=dashboards.totals(ranking),
        args=args,
        events=db.session.scalars(select(Event).order_by(Event.start_date.desc())).all(),
        series=db.session.scalars(select(EventSeries).order_by(EventSeries.title)).all(),
        chart={
            "type": "bar",
            "labels": [s.opd.code for s in ranking],
            "datasets": [
                {"label": _("Penyelesaian (%)"), "data": [round(s.completion, 1) for s in ranking]},
                {"label": _("Lewat batas waktu"), "data": [s.overdue for s in ranking]},
            ],
        },
        **labels(),
    )


@bp.get("/tindak-lanjut/dasbor/opd/<int:opd_id>")
@permission_required("followup.view")
def opd(opd_id):
    """One OPD's picture: its items by status, overdue, average progress, latest reports."""
    opd = db.get_or_404(Opd, opd_id)
    if current_user.role == "opd" and current_user.opd_id != opd.id:
        abort(403)
    [standing] = dashboards.standings(dashboards.Scope(), opd.id) or [
        dashboards.Standing(opd, counts={k: 0 for k in STATUS_LABELS})
    ]
    return render_template(
        "followup/dashboards/opd.html",
        opd=opd,
        standing=standing,
        updates=dashboards.latest_updates(opd.id),
        chart={
            "type": "doughnut",
            "labels": [str(STATUS_LABELS[k]) for k in STATUS_LABELS],
            "datasets": [
                {
                    "label": _("Tindak lanjut"),
                    "data": [standing.counts.get(k, 0) for k in STATUS_LABELS],
                }
            ],
        },
        **labels(),
    )


@bp.get("/tindak-lanjut/rekap.<fmt>")
@permission_required("followup.view_all")
def recap(fmt):
    """Rekap Tindak Lanjut per event or series, grouped by OPD (formula-safe XLSX, PDF)."""
    if fmt not in ("xlsx", "pdf"):
        abort(404)
    scope, _args = _scope()
    items = dashboards.recap_items(scope)
    if scope.event_id:
        event = db.get_or_404(Event, scope.event_id)
        title, name = event.title, f"rekap-tindak-lanjut-{event.slug}"
    elif scope.series_id:
        series = db.get_or_404(EventSeries, scope.series_id)
        title, name = series.title, f"rekap-tindak-lanjut-seri-{series.id}"
    else:
        title, name = _("Semua acara"), "rekap-tindak-lanjut"
    several = not scope.event_id  # a series, a year or everything: say which meeting
    if fmt == "xlsx":
        header, rows = dashboards.recap_table(items, STATUS_LABELS, with_event=several)
        # The header stays on row 1 (filters and pivot tables work on it as is).
        return table_response(name, "xlsx", header, rows, name=_("Rekap tindak lanjut"))
    return pdf_response(
        dashboards.recap_pdf(title, items, STATUS_LABELS, with_event=several), f"{name}.pdf"
    )
