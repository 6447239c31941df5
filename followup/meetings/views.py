"""Minutes, carry-over to the next meeting of the series, and the meeting report."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from agenda.event_links import event_link
from agenda.permissions import event_session_or_404, visible_event_or_404
from app import staged_import
from app.auth.permissions import permission_required
from app.downloads import pdf_response
from app.extensions import db
from app.forms import ActionForm
from app.tabular import table_response
from followup import imports
from followup.forms import ITEM_STATUS_LABELS
from followup.meetings import services as meetings
from followup.meetings.forms import CarryOverForm, EvaluationSessionForm, ImportForm, NoteForm
from followup.services import FollowUpError

bp = Blueprint("meetings", __name__)
event_link(51, _l("Notulen"), "followup.meetings.minutes", "followup.manage")
event_link(52, _l("Laporan hasil rapat"), "followup.meetings.report", "followup.view_all")


@bp.route("/events/<slug>/notulen", methods=["GET", "POST"])
@permission_required("followup.manage")
def minutes(slug):
    event = visible_event_or_404(slug)
    form = NoteForm()
    if form.validate_on_submit():
        session = event_session_or_404(event, form.session_id.data)
        meetings.save_note(session, form.text.data, current_user)
        db.session.commit()
        flash(_("Notulen %(title)s disimpan.", title=session.title), "success")
        return redirect(url_for("followup.meetings.minutes", slug=slug) + f"#sesi-{session.id}")
    return render_template(
        "followup/meetings/minutes.html",
        event=event,
        sessions=[s for s in event.sessions if not s.cancelled],
        notes=meetings.notes_of(event),
        items=meetings.items_by_session(event),
        form=form,
        statuses=ITEM_STATUS_LABELS,
    )


@bp.route("/events/<slug>/tindak-lanjut/lanjutan", methods=["GET", "POST"])
@permission_required("followup.manage")
def carry_over(slug):
    """The previous meeting's open items: carry them over to this one with a new due date (one
    for all, or one per item), or close them; add the session that evaluates them."""
    event = visible_event_or_404(slug)
    previous, open_items = meetings.open_items_to_carry(event)
    settle = CarryOverForm.for_items(open_items)
    evaluation = EvaluationSessionForm.for_event(event)
    if request.method == "POST":
        adding = request.form.get("action") == "evaluation"
        form = evaluation if adding else settle
        if not form.validate_on_submit():
            flash(form.first_error(), "danger")
            return redirect(url_for("followup.meetings.carry_over", slug=slug))
        try:
            message = _add_session(event, previous, form) if adding else _settle(event, form)
        except FollowUpError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for("followup.meetings.carry_over", slug=slug))
    return render_template(
        "followup/meetings/carry_over.html",
        event=event,
        previous=previous,
        items=open_items,
        carried=meetings.carried_count(event),
        default_due=meetings.default_due_on(event),
        evaluation=evaluation,
        statuses=ITEM_STATUS_LABELS,
        action_form=ActionForm(),
    )


def _settle(event, form: CarryOverForm) -> str:
    picked = form.picked()
    if form.action.data == "carry":
        made = meetings.carry_over(
            event, picked, current_user, due_on=form.due_on.data, due_per_item=form.due_per_item()
        )
        return ngettext(
            "%(num)s tindak lanjut dilanjutkan ke acara ini.",
            "%(num)s tindak lanjut dilanjutkan ke acara ini.",
            len(made),
        )
    meetings.close_items(picked, form.close_status.data, current_user)
    return ngettext("%(num)s tindak lanjut ditutup.", "%(num)s tindak lanjut ditutup.", len(picked))


def _add_session(event, previous, form: EvaluationSessionForm) -> str:
    session = meetings.add_evaluation_session(
        event, previous, form.day_date(), form.start_time.data, form.end_time.data
    )
    return _("Sesi %(title)s ditambahkan ke agenda.", title=session.title)


@bp.get("/events/<slug>/laporan.pdf")
@permission_required("followup.view_all")
def report(slug):
    event = visible_event_or_404(slug)
    return pdf_response(
        meetings.report_pdf(event, ITEM_STATUS_LABELS), f"laporan-hasil-rapat-{event.slug}.pdf"
    )


@bp.get("/events/<slug>/tindak-lanjut/templat.xlsx")
@permission_required("followup.manage")
def import_template(slug):
    visible_event_or_404(slug)
    return table_response("templat-tindak-lanjut", "xlsx", imports.COLUMNS, [imports.EXAMPLE])


@bp.post("/events/<slug>/tindak-lanjut/import")
@permission_required("followup.manage")
def import_items(slug):
    event = visible_event_or_404(slug)
    form = ImportForm()
    try:
        if not form.validate_on_submit():
            raise staged_import.ImportRefused(_("Pilih berkas XLSX atau CSV."))
        return staged_import.start(imports.IMPORTER, form.file.data, event)
    except staged_import.ImportRefused as exc:
        return render_template(
            "followup/meetings/import_refused.html", event=event, message=str(exc)
        ), 422


staged_import.add_steps(
    bp,
    imports.IMPORTER,
    "/events/<slug>/tindak-lanjut/import",
    permission_required("followup.manage"),
    context=visible_event_or_404,
)
