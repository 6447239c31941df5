"""Minutes, carry-over to the next meeting of the series, and the meeting report."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from agenda.event_links import event_link
from agenda.models import Session as AgendaSession
from agenda.permissions import visible_event_or_404
from app.auth.permissions import permission_required
from app.downloads import pdf_response
from app.extensions import db
from app.formatting import long_date
from app.forms import ActionForm, choices
from app.tabular import table_response
from followup import imports
from followup.forms import (
    ITEM_STATUS_LABELS,
    EvaluationSessionForm,
    ImportForm,
    NoteForm,
)
from followup.meetings import services as meetings
from followup.models import ActionItem
from followup.services import FollowUpError, item_query

bp = Blueprint("meetings", __name__)
event_link(51, _l("Notulen"), "followup.meetings.minutes", "followup.manage")
event_link(52, _l("Laporan hasil rapat"), "followup.meetings.report", "followup.view_all")


@bp.route("/events/<slug>/notulen", methods=["GET", "POST"])
@permission_required("followup.manage")
def minutes(slug):
    event = visible_event_or_404(slug)
    form = NoteForm()
    if form.validate_on_submit():
        session = db.session.get(AgendaSession, form.session_id.data)
        if session is None or session.event_id != event.id:
            abort(404)
        meetings.save_note(session, form.text.data, current_user)
        db.session.commit()
        flash(_("Notulen %(title)s disimpan.", title=session.title), "success")
        return redirect(url_for("followup.meetings.minutes", slug=slug) + f"#sesi-{session.id}")
    items: dict = {}
    for item in db.session.scalars(item_query(event_id=event.id, include_carried=True)):
        items.setdefault(item.session_id, []).append(item)
    return render_template(
        "followup/meetings/minutes.html",
        event=event,
        sessions=[s for s in event.sessions if not s.cancelled],
        notes=meetings.notes_of(event),
        items=items,
        form=form,
        statuses=ITEM_STATUS_LABELS,
    )


def _date_field(name: str) -> date | None:
    """A date typed in the carry-over form (``<input type=date>`` sends YYYY-MM-DD)."""
    text = request.form.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FollowUpError(_("Tanggal batas waktu tidak dikenali.")) from None


@bp.route("/events/<slug>/tindak-lanjut/lanjutan", methods=["GET", "POST"])
@permission_required("followup.manage")
def carry_over(slug):
    """The previous meeting's open items: carry them over to this one with a new due date (one
    for all, or one per item), or close them."""
    event = visible_event_or_404(slug)
    previous, open_items = meetings.open_items_to_carry(event)
    evaluation = EvaluationSessionForm()
    evaluation.day.choices = choices((d.isoformat(), long_date(d)) for d in event.days)
    default_due = meetings.default_due_on(event)
    if request.method == "POST" and ActionForm().validate_on_submit():
        chosen = {int(i) for i in request.form.getlist("item_ids") if i.isdigit()}
        picked = [item for item in open_items if item.id in chosen]
        action = request.form.get("action", "")
        try:
            if action == "evaluation":
                if not evaluation.validate():
                    raise FollowUpError(_("Isi hari, jam mulai dan jam selesai sesi evaluasi."))
                session = meetings.add_evaluation_session(
                    event,
                    previous,
                    date.fromisoformat(evaluation.day.data),
                    evaluation.start_time.data,
                    evaluation.end_time.data,
                )
                message = _("Sesi %(title)s ditambahkan ke agenda.", title=session.title)
            elif not picked:
                raise FollowUpError(_("Pilih tindak lanjut terlebih dahulu."))
            elif action == "carry":
                made = meetings.carry_over(
                    event,
                    picked,
                    current_user,
                    due_on=_date_field("due_on") or default_due,
                    due_per_item={item.id: _date_field(f"due_on_{item.id}") for item in picked},
                )
                message = ngettext(
                    "%(num)s tindak lanjut dilanjutkan ke acara ini.",
                    "%(num)s tindak lanjut dilanjutkan ke acara ini.",
                    len(made),
                )
            else:
                meetings.close_items(picked, request.form.get("close_status", ""), current_user)
                message = ngettext(
                    "%(num)s tindak lanjut ditutup.", "%(num)s tindak lanjut ditutup.", len(picked)
                )
        except FollowUpError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(message, "success")
        return redirect(url_for("followup.meetings.carry_over", slug=slug))
    carried = db.session.scalar(
        select(db.func.count())
        .select_from(ActionItem)
        .where(ActionItem.event_id == event.id, ActionItem.carried_over_from_id.is_not(None))
    )
    return render_template(
        "followup/meetings/carry_over.html",
        event=event,
        previous=previous,
        items=open_items,
        carried=carried,
        default_due=default_due,
        evaluation=evaluation,
        statuses=ITEM_STATUS_LABELS,
        action_form=ActionForm(),
    )


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
    if not form.validate_on_submit():
        flash(_("Pilih berkas XLSX atau CSV."), "danger")
        return redirect(url_for("followup.event_items", slug=slug))
    created, errors = imports.import_items(event, form.file.data.read(), current_user)
    if errors:
        db.session.rollback()
        return render_template(
            "followup/meetings/import_errors.html", event=event, errors=errors
        ), 422
    db.session.commit()
    flash(
        ngettext("%(num)s tindak lanjut diimpor.", "%(num)s tindak lanjut diimpor.", created),
        "success",
    )
    return redirect(url_for("followup.event_items", slug=slug))
