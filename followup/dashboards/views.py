"""Follow-up dashboards (all OPDs ranked; one OPD's picture) and the recap export."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from app.auth.permissions import permission_required, require
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
    events, series = dashboards.scope_choices()
    return render_template(
        "followup/dashboards/index.html",
        ranking=ranking,
        total=dashboards.totals(ranking),
        args=args,
        events=events,
        series=series,
        chart={
            "type": "bar",
            "labels": [s.opd.code for s in ranking],
            "datasets": [
                {
                    "label": _("Penyelesaian (%)"),
                    "data": [round(s.completion, 1) for s in ranking],
                    "yAxisID": "percent",
                },
                {
                    "label": _("Lewat batas waktu"),
                    "data": [s.overdue for s in ranking],
                    "yAxisID": "count",
                },
            ],
            # A percentage and a number of items: each on its own axis.
            "scales": {
                "percent": {
                    "position": "left",
                    "min": 0,
                    "max": 100,
                    "title": {"display": True, "text": _("Penyelesaian (%)")},
                },
                "count": {
                    "position": "right",
                    "min": 0,
                    "ticks": {"precision": 0},
                    "grid": {"drawOnChartArea": False},
                    "title": {"display": True, "text": _("Jumlah lewat batas waktu")},
                },
            },
        },
        **labels(),
    )


@bp.get("/tindak-lanjut/dasbor/opd/<int:opd_id>")
@permission_required("followup.view")
def opd(opd_id):
    """One OPD's picture: its items by status, overdue, average progress, latest reports."""
    opd = db.get_or_404(Opd, opd_id)
    require("followup.view_opd", opd)
    standing = dashboards.standing_of(opd)
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
    scope, _args = _scope()
    subject = dashboards.recap_subject(scope)
    if fmt not in ("xlsx", "pdf") or subject is None:
        abort(404)
    title, name = subject
    items = dashboards.recap_items(scope)
    several = not scope.event_id  # a series, a year or everything: say which meeting
    if fmt == "xlsx":
        header, rows = dashboards.recap_table(items, STATUS_LABELS, with_event=several)
        # The header stays on row 1 (filters and pivot tables work on it as is).
        return table_response(name, "xlsx", header, rows, name=_("Rekap tindak lanjut"))
    return pdf_response(
        dashboards.recap_pdf(title, items, STATUS_LABELS, with_event=several), f"{name}.pdf"
    )
