"""Planning the assistance week from the ranking, in one form: choose, propose, adjust, create."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from agenda.models import Event, Speaker
from app.auth.permissions import permission_required
from app.extensions import db
from app.forms import ActionForm
from app.opds.models import Opd
from followup.evaluation import assistance, services
from followup.evaluation.models import EventEvaluation
from followup.evaluation.views import bp


def _meeting(year: int, quarter: int) -> Event | None:
    """The meeting that discussed this quarter, else the latest past Strategic Meeting."""
    found = db.session.scalar(
        select(Event)
        .join(EventEvaluation, EventEvaluation.event_id == Event.id)
        .where(EventEvaluation.year == year, EventEvaluation.quarter == quarter)
    )
    return found or db.session.scalar(
        select(Event)
        .where(Event.kind == "strategic_meeting")
        .order_by(Event.start_date.desc())
        .limit(1)
    )


def _date(text: str, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


@bp.route("/evaluasi/asistensi", methods=["GET", "POST"])
@permission_required("evaluation.manage")
def plan_assistance():
    chosen = services.latest_quarter()
    year = request.values.get("year", type=int) or (chosen[0] if chosen else None)
    quarter = request.values.get("quarter", type=int) or (chosen[1] if chosen else None)
    if not year or not quarter:
        flash(_("Belum ada data realisasi untuk menentukan OPD yang diasistensi."), "warning")
        return redirect(url_for("evaluation.ranking"))
    ranking = services.ranking(year, quarter)
    meeting = _meeting(year, quarter)
    if meeting is None:
        flash(_("Belum ada rapat yang membahas peringkat ini."), "warning")
        return redirect(url_for("evaluation.ranking"))
    first, last = assistance.default_period(meeting)
    start = _date(request.values.get("start", ""), first)
    end = _date(request.values.get("end", ""), last)
    lowest = request.values.get("lowest", type=int)
    bottom_up = list(reversed([r for r in ranking.rows if r.percent is not None]))
    if request.method == "GET":
        picked_opds = {r.opd.id for r in (bottom_up[:lowest] if lowest else ranking.below)}
    else:
        picked_opds = {int(i) for i in request.form.getlist("opd_ids") if i.isdigit()}
    people = assistance.expert_people()
    picked_people = {int(i) for i in request.values.getlist("person_ids") if i.isdigit()}
    if request.method == "POST" and picked_people:
        # Experts chosen from the directory join the speaker directory (once), so that the
        # sessions can name them and the agenda's conflict checks see them.
        chosen = [assistance.speaker_for(p) for p in people if p.id in picked_people]
        db.session.commit()
    else:
        chosen = []
    experts = db.session.scalars(select(Speaker).order_by(Speaker.name)).all()
    picked_experts = {int(i) for i in request.values.getlist("expert_ids") if i.isdigit()}
    picked_experts |= {s.id for s in chosen}
    proposal, error = None, None
    action = request.form.get("action", "")
    if request.method == "POST" and ActionForm().validate_on_submit():
        opds = [r.opd for r in bottom_up if r.opd.id in picked_opds]  # lowest first
        chosen_experts = [e for e in experts if e.id in picked_experts]
        try:
            if action == "create":
                assignments = _adjusted(request.form, opds, chosen_experts)
                event = assistance.create_week(
                    meeting,
                    assignments,
                    _("Asistensi OPD pasca %(meeting)s", meeting=meeting.title),
                )
                db.session.commit()
                flash(
                    ngettext(
                        "Jadwal asistensi dibuat: %(num)s sesi.",
                        "Jadwal asistensi dibuat: %(num)s sesi.",
                        len(assignments),
                    ),
                    "success",
                )
                return redirect(url_for("agenda.builder", slug=event.slug))
            proposal = assistance.propose(opds, chosen_experts, start, end, meeting.timezone)
        except assistance.AssistanceError as exc:
            db.session.rollback()
            error = str(exc)
    return render_template(
        "evaluation/assistance.html",
        ranking=ranking,
        meeting=meeting,
        bottom_up=bottom_up,
        picked_opds=picked_opds,
        experts=experts,
        picked_experts=picked_experts,
        people=people,
        picked_people=picked_people,
        start=start,
        end=end,
        proposal=proposal,
        error=error,
        slots=assistance.slots_between(start, end) if proposal else [],
        lowest=lowest,
    ), (422 if error else 200)


def _adjusted(form, opds: list[Opd], experts: list[Speaker]) -> list:
    """The schedule as the organiser left it in the proposal table."""
    by_expert = {e.id: e for e in experts}
    result = []
    for opd in opds:
        slot_key = form.get(f"slot_{opd.id}", "")
        expert = by_expert.get(form.get(f"expert_{opd.id}", type=int))
        if not slot_key or expert is None:
            raise assistance.AssistanceError(
                _("Lengkapi waktu dan tenaga ahli untuk %(opd)s.", opd=opd.name)
            )
        try:
            slot = assistance.Slot.from_key(slot_key)
        except ValueError:
            raise assistance.AssistanceError(
                _("Waktu untuk %(opd)s tidak dikenal.", opd=opd.name)
            ) from None
        result.append(assistance.Assignment(opd, slot, expert))
    return result
