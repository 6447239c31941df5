"""Evaluation pages: the quarter's ranking (chart, threshold, exports), the realisation import
with its preview, targets, manual corrections, the OPD profile, the evaluation of an event."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agenda.event_links import agenda_panel, event_link
from agenda.permissions import visible_event_or_404
from app import staged_import
from app.auth.permissions import can, permission_required, require
from app.core.home import nav_item
from app.downloads import pdf_response
from app.extensions import db
from app.forms import ActionForm
from app.opds.models import Opd
from app.tabular import table_response
from evaluation import documents, forms, imports, profile, services
from evaluation.models import QUARTERS, BudgetRealisation
from followup import pact
from followup.dashboards import services as dashboards
from followup.forms import STATUS_LABELS
from followup.services import today

bp = Blueprint("evaluation", __name__, template_folder="templates")
bp.add_app_template_filter(documents.points, "points")
nav_item("evaluate", 57, _l("Evaluasi kinerja"), "evaluation.ranking", "evaluation.view")
event_link(53, _l("Evaluasi kinerja"), "evaluation.event_evaluation", "evaluation.manage")


def _quarter_args() -> tuple[int, int] | None:
    """The quarter asked for, else the latest complete one (else the latest, partial)."""
    year, quarter = request.args.get("year", type=int), request.args.get("quarter", type=int)
    if year and quarter in QUARTERS:
        return year, quarter
    return services.default_quarter()


@bp.get("/evaluasi/")
@permission_required("evaluation.view")
def ranking():
    chosen = _quarter_args()
    if chosen is None:
        return render_template("evaluation/ranking.html", ranking=None, quarters=[])
    quarters = services.quarters_with_data()
    result = services.ranking(*chosen, known={(y, q): c for y, q, c in quarters})
    if not can(current_user, "evaluation.view_ranking", result):
        # Until the organiser shares the quarter, an OPD sees its own figures only.
        return redirect(url_for("evaluation.opd_profile", opd_id=current_user.opd_id))
    return render_template(
        "evaluation/ranking.html",
        ranking=result,
        quarters=quarters,
        # A newer quarter still coming in, when the page shows an older complete one.
        newer=[(y, q, c) for y, q, c in quarters if (y, q) > (result.year, result.quarter)],
        missing=services.missing_opds(result.year, result.quarter)
        if not result.coverage.complete
        else [],
        chart={
            "type": "bar",
            "labels": [r.opd.code for r in result.rows],
            "datasets": [
                {"label": _("Realisasi keuangan (%)"), "data": [r.percent for r in result.rows]},
                {
                    "label": _("Realisasi fisik (%)"),
                    "data": [r.realisasi_fisik for r in result.rows],
                },
            ],
        },
    )


@bp.get("/evaluasi/peringkat.<fmt>")
@permission_required("evaluation.view_all")
def ranking_export(fmt):
    chosen = _quarter_args()
    if fmt not in ("pdf", "xlsx") or chosen is None:
        abort(404)
    result = services.ranking(*chosen)
    name = f"peringkat-realisasi-{result.year}-tw{result.quarter}"
    if fmt == "xlsx":
        header, rows = documents.ranking_table(result)
        return table_response(
            name,
            "xlsx",
            header,
            rows,
            title_rows=documents.ranking_title_rows(result),
            name=_("Peringkat %(year)s TW%(quarter)s", year=result.year, quarter=result.quarter),
        )
    return pdf_response(documents.ranking_pdf(result), f"{name}.pdf")


# --- import with preview ------------------------------------------------------------------------


@bp.route("/evaluasi/import", methods=["GET", "POST"])
@permission_required("evaluation.manage")
def import_realisation():
    form = forms.ImportForm()
    if form.validate_on_submit():
        try:
            return staged_import.start(imports.IMPORTER, form.file.data)
        except staged_import.ImportRefused as exc:
            form.file.errors.append(str(exc))
    status = 422 if form.errors else 200
    return render_template("evaluation/import.html", form=form), status


staged_import.add_steps(
    bp, imports.IMPORTER, "/evaluasi/import", permission_required("evaluation.manage")
)


@bp.get("/evaluasi/templat.xlsx")
@permission_required("evaluation.manage")
def import_template():
    example = [2026, 3, "DINKES", 125_000_000_000, 70_750_000_000, "68,5"]
    return table_response("templat-realisasi", "xlsx", imports.IMPORT_COLUMNS, [example])


# --- targets and corrections --------------------------------------------------------------------


@bp.route("/evaluasi/target", methods=["GET", "POST"])
@permission_required("evaluation.manage")
def targets():
    year = request.values.get("year", type=int) or today().year
    if request.method == "POST":
        form = forms.TargetsForm()
        if form.validate():
            year = form.year.data
            services.save_targets(year, form.targets(), form.threshold.data, form.shared())
            db.session.commit()
            flash(_("Target %(year)s disimpan.", year=year), "success")
            return redirect(url_for("evaluation.targets", year=year))
        if form.csrf_token.errors:
            abort(400)
        flash(_("Target dan ambang batas harus persen 0–100."), "danger")
    return render_template(
        "evaluation/targets.html",
        year=year,
        targets={q: services.target_for(year, q) for q in QUARTERS},
    )


@bp.post("/evaluasi/realisasi/<int:row_id>")
@permission_required("evaluation.manage")
def correct(row_id):
    row = db.get_or_404(BudgetRealisation, row_id)
    form = forms.CorrectionForm()
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        flash(
            _("Isi pagu dan realisasi dalam rupiah, realisasi fisik dalam persen 0–100."), "danger"
        )
        return redirect(url_for("evaluation.opd_profile", opd_id=row.opd_id))
    try:
        services.set_realisation(
            row,
            pagu=form.pagu.data,
            realisasi_keuangan=form.realisasi_keuangan.data,
            realisasi_fisik=form.realisasi_fisik.data,
        )
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Realisasi %(opd)s diperbarui.", opd=row.opd.name), "success")
    return redirect(url_for("evaluation.opd_profile", opd_id=row.opd_id))


# --- the OPD profile ------------------------------------------------------------------------------


@bp.get("/evaluasi/opd/<int:opd_id>")
@permission_required("evaluation.view")
def opd_profile(opd_id):
    opd = db.get_or_404(Opd, opd_id)
    require("evaluation.view_opd", opd)
    trend = services.opd_trend(opd.id)
    return render_template(
        "evaluation/opd_profile.html",
        opd=opd,
        trend=trend,
        pact=pact.targets_of_opd(opd.id),
        standing=dashboards.standing_of(opd),
        pact_progress=pact.progress(opd.id),
        statuses=STATUS_LABELS,
        attendance=profile.head_attendance(opd),
        action_form=ActionForm(),
        chart=_trend_chart(trend),
    )


def _trend_chart(trend) -> dict:
    """Realisation restarts each year: the line breaks between years (a gap, not a fall from
    TW4 to TW1)."""
    labels, money, physical = [], [], []
    previous = None
    for row in trend:
        if labels and row.year != previous:
            labels.append("")
            money.append(None)
            physical.append(None)
        labels.append(f"{row.year} TW{row.quarter}")
        money.append(row.percent)
        physical.append(float(row.realisasi_fisik))
        previous = row.year
    return {
        "type": "line",
        "labels": labels,
        "datasets": [
            {"label": _("Realisasi keuangan (%)"), "data": money},
            {"label": _("Realisasi fisik (%)"), "data": physical},
        ],
        "scales": {"y": {"min": 0, "suggestedMax": 100}},
    }


@bp.post("/evaluasi/opd/<int:opd_id>/pakta")
@permission_required("evaluation.manage")
def add_pact_target(opd_id):
    opd = db.get_or_404(Opd, opd_id)
    form = forms.PactTargetForm()
    if form.validate_on_submit():
        pact.add_target(
            opd,
            year=form.year.data,
            indicator=form.indicator.data,
            target=form.target.data,
            achieved=form.achieved.data,
            sanction_note=form.sanction_note.data,
        )
        db.session.commit()
        flash(_("Target pakta integritas ditambahkan."), "success")
    else:
        flash(form.first_error(), "danger")
    return redirect(url_for("evaluation.opd_profile", opd_id=opd.id))


# --- an event's evaluation --------------------------------------------------------------------------


@bp.route("/events/<slug>/evaluasi", methods=["GET", "POST"])
@permission_required("evaluation.view_all")
def event_evaluation(slug):
    event = visible_event_or_404(slug)
    quarters = services.quarters_with_data()
    if request.method == "POST":
        require("evaluation.manage")
        form = forms.EventEvaluationForm(quarters)
        if form.validate_on_submit():
            year, quarter = form.chosen()
            services.attach_quarter(event, year, quarter)
            db.session.commit()
            flash(
                _(
                    "Peringkat %(year)s TW%(quarter)s dilampirkan ke acara.",
                    year=year,
                    quarter=quarter,
                ),
                "success",
            )
        else:
            flash(form.first_error(), "danger")
        return redirect(url_for("evaluation.event_evaluation", slug=slug))
    attached = services.quarter_of_event(event)
    return render_template(
        "evaluation/event.html",
        event=event,
        attached=attached,
        ranking=services.ranking(attached.year, attached.quarter) if attached else None,
        quarters=quarters,
    )


@agenda_panel(order=30)
def _ranking_on_the_agenda(event, user):
    """The quarter a meeting discusses, on its agenda page, for organisers and pimpinan."""
    if not can(user, "evaluation.view_all"):
        return None
    attached = services.quarter_of_event(event)
    if attached is None:
        return None
    result = services.ranking(attached.year, attached.quarter)
    return render_template("evaluation/agenda_panel.html", event=event, ranking=result)
