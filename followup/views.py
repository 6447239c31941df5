"""Follow-up pages: the event's decisions (quick entry), the OPD workspace, an item with its
timeline, progress updates with evidence, verification."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from agenda.event_links import event_link
from agenda.permissions import visible_event_or_404
from app import uploads
from app.auth.models import ADMIN, OPD, ORGANISER, VIEWER
from app.auth.permissions import can, permission_required, require
from app.core.home import home_panel, nav_item
from app.extensions import db
from app.forms import choices
from app.opds.services import active_opds, opd_by_text, opd_list_text, opds_by_text
from followup import lifecycle, pact, services
from followup.forms import (
    ITEM_STATUS_LABELS,
    STATUS_LABELS,
    ItemForm,
    QuickItemForm,
    ReviewForm,
    UpdateForm,
    labels,
)
from followup.meetings import services as meetings
from followup.models import ActionItem, ProgressUpdate
from followup.programs import services as programs

bp = Blueprint("followup", __name__, template_folder="templates")
nav_item("followup", 50, _l("Tindak lanjut"), "followup.index", "followup.view")
nav_item(
    "followup", 55, _l("Dasbor tindak lanjut"), "followup.dashboards.index", "followup.view_all"
)
event_link(50, _l("Tindak lanjut"), "followup.event_items", "followup.view_all")

PER_PAGE = 50


@home_panel(OPD, order=20)
def _own_items_panel(user):
    return render_template(
        "followup/panel_own.html",
        figures=services.figures(services.item_query(user)),
        returned=services.returned_count(user),
        pending=services.pending_review_count(user),
        statuses=STATUS_LABELS,
    )


@home_panel(ADMIN, ORGANISER, VIEWER, order=20)
def _city_panel(user):
    return render_template(
        "followup/panel_city.html",
        figures=services.figures(services.item_query()),
        pending=services.pending_review_count(),
        statuses=STATUS_LABELS,
    )


def _item_or_404(item_id: int, action: str = "followup.view_item") -> ActionItem:
    item = services.item_with_history(item_id)
    if item is None:
        abort(404)
    require(action, item)
    return item


# --- lists ----------------------------------------------------------------------------------


@bp.get("/tindak-lanjut/")
@permission_required("followup.view")
def index():
    """The OPD's workspace (its own items), or every item for organisers and pimpinan."""
    args = request.args
    filters = {
        "event_id": args.get("event", type=int),
        "status": args.get("status", ""),
        "overdue": args.get("overdue") == "1",
        "due_month": args.get("due") == "month",
        "pending_review": args.get("review") == "pending",
        "returned": args.get("review") == "returned",
        # An OPD user's list is its own OPD's: the OPD filter is for those who see them all.
        "opd_id": args.get("opd", type=int) if can(current_user, "followup.view_all") else None,
    }
    query = services.item_query(current_user, **filters)
    page = db.paginate(services.item_ids(query), per_page=PER_PAGE, error_out=False)
    items = services.list_rows(page.items)
    return render_template(
        "followup/index.html",
        page=page,
        items=items,
        flags=services.report_flags(items),
        filters=filters,
        figures=services.figures(services.item_query(current_user)),
        events=services.events_with_items(services.item_query(current_user, include_carried=True)),
        pending=services.pending_review_count(current_user),
        returned=services.returned_count(current_user),
        **labels(),
    )


@bp.route("/events/<slug>/tindak-lanjut", methods=["GET", "POST"])
@permission_required("followup.view_all")
def event_items(slug):
    event = visible_event_or_404(slug)
    form = QuickItemForm()
    form.session_id.choices = choices(
        [(0, _("— tanpa sesi —"))] + [(s.id, s.title) for s in event.sessions if not s.cancelled]
    )
    if request.method == "GET":
        form.session_id.data = request.args.get("session", 0, type=int)
        chosen = next((s for s in event.sessions if s.id == form.session_id.data), None)
        if chosen is not None and chosen.opd is not None:  # an assistance slot: its OPD
            form.lead_opd.data = f"{chosen.opd.code} — {chosen.opd.name}"
    if request.method == "POST":
        require("followup.manage")
        supporting = _supporting_opds(form) if form.validate_on_submit() else None
        if supporting is not None:
            lead = opd_by_text(form.lead_opd.data)
            try:
                item = services.create_item(
                    event,
                    title=form.title.data,
                    lead_opd=lead,
                    supporting_opds=supporting,
                    due_on=form.due_on.data,
                    session_id=form.session_id.data or None,
                    created_by=current_user,
                )
            except services.FollowUpError as exc:
                db.session.rollback()
                form.lead_opd.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Tindak lanjut dicatat: %(title)s", title=item.title), "success")
                return redirect(
                    url_for("followup.event_items", slug=slug, session=form.session_id.data or None)
                )
    # A meeting may record thousands of decisions (an import): a page at a time.
    page = db.paginate(
        services.item_ids(services.item_query(event_id=event.id, include_carried=True)),
        per_page=PER_PAGE,
        error_out=False,
    )
    items = services.list_rows(page.items)
    previous, to_carry = meetings.open_items_to_carry(event)
    return render_template(
        "followup/event_items.html",
        event=event,
        previous=previous,
        to_carry=len(to_carry),
        form=form,
        page=page,
        items=items,
        flags=services.report_flags(items),
        opds=active_opds(),
        **labels(),
    ), (422 if form.errors else 200)


def _supporting_opds(form):
    """The supporting OPDs typed in ``form.supporting_opds``; None (and the field's error) when
    one of them names no OPD, so nothing is saved."""
    found, unknown = opds_by_text(form.supporting_opds.data)
    if unknown:
        form.supporting_opds.errors.append(
            _("OPD tidak dikenal: %(names)s. Pilih dari daftar.", names="; ".join(unknown))
        )
        return None
    return found


# --- one item -------------------------------------------------------------------------------


@bp.get("/tindak-lanjut/<int:item_id>")
@permission_required("followup.view")
def item(item_id):
    action_item = _item_or_404(item_id)
    return _render_item(action_item, UpdateForm())


def _review_forms(action_item) -> dict:
    """One verification form per waiting report, starting from the status the OPD proposed
    (or the current one) — never from a reset."""
    forms = {}
    for update in action_item.updates:
        if update.review == "pending":
            form = ReviewForm(formdata=None)
            form.status.choices = choices(
                (s, ITEM_STATUS_LABELS[s]) for s in lifecycle.review_choices(action_item)
            )
            form.status.data = lifecycle.review_default(action_item, update)
            for field in (form.decision, form.status, form.comment):  # ids unique on the page
                field.id = field.label.field_id = f"{field.name}-{update.id}"
            forms[update.id] = form
    return forms


def _render_item(action_item, update_form, status=200):
    return render_template(
        "followup/item.html",
        item=action_item,
        flag=services.report_flags([action_item]).get(action_item.id),
        timeline=services.timeline(action_item),
        update_form=update_form,
        review_forms=_review_forms(action_item),
        today=services.today(),
        accepted_kinds=uploads.accepted_labels(uploads.EVIDENCE_KINDS),
        **labels(),
    ), status


@bp.route("/tindak-lanjut/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required("followup.manage")
def edit_item(item_id):
    action_item = _item_or_404(item_id)
    form = ItemForm(obj=action_item)
    opds = active_opds()
    form.pact_target_id.choices = choices(
        [(0, _("— tanpa target pakta —"))]
        + [
            (t.id, f"{t.opd.code}: {t.indicator} ({t.target})")
            for t in pact.targets_of_year(action_item.event.start_date.year)
        ]
    )
    form.priority_program_id.choices = choices(
        [(0, _("— tanpa program prioritas —"))]
        + [(p.id, str(p)) for p in programs.programs_of(action_item.event.start_date.year)]
    )
    form.status.choices = choices(
        (s, ITEM_STATUS_LABELS[s])
        for s in [action_item.status, *lifecycle.targets(action_item.status, lifecycle.SET)]
    )
    if request.method == "GET":
        form.lead_opd.data = f"{action_item.lead_opd.code} — {action_item.lead_opd.name}"
        form.supporting_opds.data = opd_list_text(action_item.supporting_opds)
        form.priority_program_id.data = action_item.priority_program_id or 0
        form.pact_target_id.data = action_item.pact_target_id or 0
    if form.validate_on_submit():
        lead = opd_by_text(form.lead_opd.data)
        supporting = _supporting_opds(form)
        if lead is None:
            form.lead_opd.errors.append(_("Pilih OPD penanggung jawab dari daftar."))
        elif supporting is not None:
            try:
                services.update_item(
                    action_item,
                    actor=current_user,
                    supporting_opds=supporting,
                    title=form.title.data.strip(),
                    kind=form.kind.data,
                    description=form.description.data or "",
                    lead_opd_id=lead.id,
                    due_on=form.due_on.data,
                    target=form.target.data or "",
                    priority_program_id=form.priority_program_id.data or None,
                    pact_target_id=form.pact_target_id.data or None,
                    status=form.status.data,
                )
            except services.FollowUpError as exc:
                db.session.rollback()
                form.status.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Tindak lanjut disimpan."), "success")
                return redirect(url_for("followup.item", item_id=item_id))
    return render_template("followup/edit.html", item=action_item, form=form, opds=opds)


@bp.post("/tindak-lanjut/<int:item_id>/updates")
@permission_required("followup.view")
def submit_update(item_id):
    action_item = _item_or_404(item_id, "followup.report")
    form = UpdateForm()
    if form.validate_on_submit():
        files = [(f.read(), f.filename) for f in (form.files.data or []) if f and f.filename]
        try:
            services.submit_update(
                action_item,
                author=current_user,
                progress=form.progress.data,
                proposed_status=form.proposed_status.data,
                narrative=form.narrative.data,
                files=files,
            )
        except services.FollowUpError as exc:
            db.session.rollback()
            form.files.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Laporan progres terkirim; menunggu verifikasi panitia."), "success")
            return redirect(url_for("followup.item", item_id=item_id))
    return _render_item(services.item_with_history(item_id), form, 422)


@bp.post("/tindak-lanjut/updates/<int:update_id>/review")
@permission_required("followup.manage")
def review(update_id):
    update = db.get_or_404(ProgressUpdate, update_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_update(
                update,
                reviewer=current_user,
                accept=form.decision.data == "accept",
                status=form.status.data or None,  # checked by the state machine
                comment=form.comment.data,
            )
        except services.FollowUpError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Verifikasi disimpan."), "success")
    else:
        flash(_("Pilih hasil verifikasi."), "danger")
    return redirect(url_for("followup.item", item_id=update.item_id))


@bp.get("/tindak-lanjut/evidence/<int:evidence_id>")
@permission_required("followup.view")
def evidence(evidence_id):
    """A piece of evidence, only to those who may see its item, always as an attachment."""
    found, action_item = services.evidence_item(evidence_id)
    if found is None:
        abort(404)
    require("followup.view_item", action_item)
    return uploads.send_stored(found.sha256, found.filename, found.kind)
