"""Priority programs: the year's list with progress rolled up from linked items; organisers
add and edit them."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.permissions import permission_required, require
from app.core.home import nav_item
from app.extensions import db
from app.opds.services import active_opds
from followup import services
from followup.models import PriorityProgram
from followup.programs import services as programs
from followup.programs.forms import ProgramForm

bp = Blueprint("programs", __name__)
nav_item("followup", 56, _l("Program prioritas"), "followup.programs.index", "followup.view_all")


@bp.get("/tindak-lanjut/program-prioritas")
@permission_required("followup.view_all")
def index():
    year = request.args.get("year", type=int) or services.today().year
    return _programs(year, ProgramForm(year=year))


def _programs(year, form, status=200):
    progress = programs.roll_up(year)
    return render_template(
        "followup/programs/index.html",
        year=year,
        years=sorted(set(programs.years()) | {year}, reverse=True),
        progress=progress,
        form=form,
        opds=active_opds(),
        chart={
            "type": "bar",
            "labels": [str(p.program.number) for p in progress],
            "datasets": [
                {
                    "label": _("Rata-rata progres (%)"),
                    "data": [round(p.progress, 1) for p in progress],
                }
            ],
        },
    ), status


@bp.route("/tindak-lanjut/program-prioritas/baru", methods=["POST"])
@bp.route("/tindak-lanjut/program-prioritas/<int:program_id>", methods=["GET", "POST"])
@permission_required("followup.view_all")
def edit(program_id=None):
    require("followup.manage")
    program = db.get_or_404(PriorityProgram, program_id) if program_id else PriorityProgram()
    form = ProgramForm(obj=program)
    if request.method == "GET":
        form.lead_opd.data = program.lead_opd.code if program.lead_opd else ""
        return render_template(
            "followup/programs/form.html", form=form, program=program, opds=active_opds()
        )
    if form.validate_on_submit():
        try:
            programs.save_program(
                program,
                year=form.year.data,
                number=form.number.data,
                name=form.name.data,
                description=form.description.data,
                lead_opd=form.lead_opd.data,
            )
        except programs.ProgramError as exc:
            db.session.rollback()
            form[exc.field].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Program prioritas disimpan."), "success")
            return redirect(url_for("followup.programs.index", year=form.year.data))
    if program_id:
        return render_template(
            "followup/programs/form.html", form=form, program=program, opds=active_opds()
        ), 422
    return _programs(form.year.data or services.today().year, form, 422)
