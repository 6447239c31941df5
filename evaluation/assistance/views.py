"""Planning the assistance week from the ranking, in one form: choose, propose, adjust, create.
The choices are read by ``planner``; the rules (never in the past, one week per meeting and
quarter) live in ``assistance``."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.permissions import permission_required
from app.extensions import db
from evaluation import services
from evaluation.assistance import planner
from evaluation.assistance import services as assistance
from evaluation.assistance.forms import AssistanceForm
from evaluation.models import QUARTERS

bp = Blueprint("assistance", __name__)


@bp.route("/evaluasi/asistensi", methods=["GET", "POST"])
@permission_required("evaluation.manage")
def plan():
    posted = request.method == "POST"
    form = AssistanceForm() if posted else AssistanceForm(request.args, meta={"csrf": False})
    year, quarter = form.year.data, form.quarter.data
    if not (year and quarter in QUARTERS):
        year, quarter = services.default_quarter() or (None, None)
    if year is None:
        flash(_("Belum ada data realisasi untuk menentukan OPD yang diasistensi."), "warning")
        return redirect(url_for("evaluation.ranking"))
    plan = planner.plan_for(year, quarter)
    if plan is None:
        flash(_("Belum ada rapat yang membahas peringkat ini."), "warning")
        return redirect(url_for("evaluation.ranking"))
    proposal, error = None, None
    valid = form.validate()
    choices = (form.opd_ids.data, form.expert_ids.data, form.person_ids.data)
    if not valid:
        error = form.first_error()
    elif posted:
        try:
            if form.action.data == "create":
                event = planner.create_plan(plan, *choices, request.form)
                db.session.commit()
                flash(
                    ngettext(
                        "Jadwal asistensi dibuat: %(num)s sesi.",
                        "Jadwal asistensi dibuat: %(num)s sesi.",
                        len(event.sessions),
                    ),
                    "success",
                )
                return redirect(url_for("agenda.builder", slug=event.slug))
            proposal = planner.propose_plan(plan, *choices, form.start.data, form.end.data)
        except assistance.AssistanceError as exc:
            db.session.rollback()  # nothing of a refused plan stays (nor a new speaker)
            error = str(exc)
    start, end = form.start.data or plan.start, form.end.data or plan.end
    return render_template(
        "evaluation/assistance/plan.html",
        plan=plan,
        ranking=plan.ranking,
        meeting=plan.meeting,
        picked_opds=set(form.opd_ids.data or ()) if posted else plan.picked_opds(form.lowest.data),
        picked=plan.chosen(form.expert_ids.data, form.person_ids.data),
        start=start,
        end=end,
        proposal=proposal,
        error=error,
        slots=assistance.slots_between(start, end) if proposal else [],
        lowest=form.lowest.data,
    ), (422 if error else 200)
