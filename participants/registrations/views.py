"""Organiser pages for registrations: the list per event (filters, counts, bulk actions),
inviting (people, whole OPDs, rules), editing one registration and its delegate.

Over 400 lines for a dozen routes of one blueprint; the rules they apply live in
participants.registrations (changes, invitations, delegates), the views only translate HTTP.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from agenda.event_links import event_link
from agenda.models import Event
from agenda.permissions import visible_event_or_404
from app.auth.permissions import permission_required
from app.core.home import nav_item
from app.extensions import db
from app.forms import require_csrf
from app.i18n import translated
from app.opds.forms import opd_choices
from app.opds.services import active_opds
from app.urls import redirect_back
from participants import passes
from participants.directory.people import people_query
from participants.forms import (
    BULK_ACTIONS,
    INVITE_RULE_LABELS,
    LEVEL_LABELS,
    REGISTRATION_STATUS_LABELS,
    ROLE_LABELS,
    BulkForm,
    DelegateForm,
    InviteOpdsForm,
    InvitePeopleForm,
    InviteRuleForm,
    RegistrationForm,
)
from participants.models import Person
from participants.registrations import changes, core, delegates, invitations, queries, rules
from participants.registrations.core import RegistrationError

bp = Blueprint("registrations", __name__, template_folder="../templates")  # participants/templates
nav_item("plan", 25, _l("Peserta acara"), "registrations.events", "registrations.view")
event_link(10, _l("Peserta"), "registrations.index", "registrations.view")

PER_PAGE = 50
SEARCH_LIMIT = 25  # people listed when searching the directory to invite or pick a delegate
NO_GROUP = "-"  # the group filter value for "without a group"


@bp.url_defaults
def _current_event(endpoint, values):
    # Links built on an event's page (pagination, filters) stay on that event.
    if "slug" in values or not has_request_context():
        return
    view_args = request.view_args or {}
    if "slug" in view_args and endpoint in ("registrations.index", "registrations.invite"):
        values["slug"] = view_args["slug"]


def _registration(event: Event, registration_id: int):
    registration = queries.get_registration(event, registration_id)
    if registration is None:
        abort(404)
    return registration


# --- overview and list ------------------------------------------------------------------------


@bp.get("/manage/registrations/")
@permission_required("registrations.view")
def events():
    page = db.paginate(queries.events_overview(), per_page=20, error_out=False)
    return render_template(
        "participants/registrations/events.html",
        page=page,
        counts=queries.counts_by_event(e.id for e in page.items),
        statuses=REGISTRATION_STATUS_LABELS,
    )


def _list_filters() -> dict:
    args = request.args
    group = args.get("group", "")
    return {
        "search": args.get("q", "").strip(),
        "status": args.get("status", "")
        if args.get("status") in REGISTRATION_STATUS_LABELS
        else "",
        "role": args.get("role", "") if args.get("role") in ROLE_LABELS else "",
        "opd_id": args.get("opd", type=int),
        "group": None if not group else ("" if group == NO_GROUP else group),
    }


def _row_text() -> dict:
    """The words of a registration's row, translated once per page and filled in per row."""
    return {
        "pick": _("Pilih %(name)s"),
        "delegated_to": _("Diwakilkan oleh %(name)s"),
        "delegate_of": _("Mewakili %(name)s"),
        "badge": _("Pass"),
        "badge_of": _("Pass %(name)s"),
        "edit": _("Ubah"),
    }


@bp.get("/manage/events/<slug>/registrations/")
@permission_required("registrations.view")
def index(slug):
    event = visible_event_or_404(slug)
    filters = _list_filters()
    page = db.paginate(
        queries.registration_ids(event, **filters),
        per_page=PER_PAGE,
        max_per_page=200,
        error_out=False,
    )
    counts = queries.status_counts(event)
    return render_template(
        "participants/registrations/index.html",
        event=event,
        page=page,
        rows=queries.list_rows(page.items),
        filters=filters,
        group_arg=request.args.get("group", ""),
        counts=counts,
        total=sum(counts.values()),
        seats=sum(counts[s] for s in core.SEAT_STATUSES),
        seat_statuses=core.SEAT_STATUSES,  # only these get a badge
        opds=active_opds(),
        groups=queries.event_groups(event),
        statuses=translated(REGISTRATION_STATUS_LABELS),
        roles=translated(ROLE_LABELS),
        row_text=_row_text(),
        bulk_form=BulkForm(),
        bulk_actions=translated(BULK_ACTIONS),
        no_group=NO_GROUP,
    )


@bp.post("/manage/events/<slug>/registrations/bulk")
@permission_required("registrations.manage")
def bulk(slug):
    event = visible_event_or_404(slug)
    back = url_for("registrations.index", slug=event.slug)
    form = BulkForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect_back(back)
    try:
        changed = changes.bulk_action(event, form.ids.data, form.action.data, form.group.data)
    except RegistrationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect_back(back)
    db.session.commit()
    flash(
        ngettext("%(num)s registrasi diperbarui.", "%(num)s registrasi diperbarui.", changed),
        "success",
    )
    return redirect_back(back)


# --- inviting ---------------------------------------------------------------------------------


def _opd_tree():
    """Active OPDs in tree order (children under their parent) with their active people."""
    opds = active_opds()
    people = dict(
        db.session.execute(
            select(Person.opd_id, func.count())
            .where(Person.active.is_(True), Person.opd_id.is_not(None))
            .group_by(Person.opd_id)
        ).all()
    )
    by_parent: dict = {}
    ids = {o.id for o in opds}
    for opd in opds:
        parent = opd.parent_id if opd.parent_id in ids else None
        by_parent.setdefault(parent, []).append(opd)
    tree = []

    def walk(parent, depth):
        for opd in by_parent.get(parent, []):
            tree.append((opd, depth, people.get(opd.id, 0)))
            walk(opd.id, depth + 1)

    walk(None, 0)
    return tree


def _render_invite(event, people_form=None, opds_form=None, rule_form=None, status=200):
    search = request.args.get("q", "").strip()
    found, registered = [], set()
    if search:
        found = db.session.scalars(people_query(search).limit(SEARCH_LIMIT)).all()
        registered = queries.registered_person_ids(event, (p.id for p in found))
    opds_form = opds_form or InviteOpdsForm(prefix="opds")
    tree = _opd_tree()
    opds_form.opd_ids.choices = [(opd.id, opd.name) for opd, _d, _n in tree]
    return render_template(
        "participants/registrations/invite.html",
        event=event,
        search=search,
        found=found,
        registered=registered,
        people_form=people_form or InvitePeopleForm(prefix="people"),
        opds_form=opds_form,
        rule_form=rule_form or InviteRuleForm(prefix="rule"),
        tree=tree,
        sizes=rules.rule_sizes(),
        vacant=rules.opds_without_head(),
        groups=queries.event_groups(event),
        seats_left=core.seats_left(event),
        rules=INVITE_RULE_LABELS,
        levels=LEVEL_LABELS,
    ), status


@bp.get("/manage/events/<slug>/registrations/invite")
@permission_required("registrations.manage")
def invite(slug):
    return _render_invite(visible_event_or_404(slug))


def _do_invite(event, person_ids, form, source):
    try:
        result = invitations.invite(
            event, person_ids, role=form.role.data, group=form.group.data or "", source=source
        )
        db.session.commit()
    except RegistrationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return None
    except IntegrityError:  # someone registered the same people at the same moment
        db.session.rollback()
        flash(_("Data berubah saat menyimpan. Coba lagi."), "warning")
        return None
    flash(result.message(), "success" if result.added else "info")
    return redirect(url_for("registrations.index", slug=event.slug))


@bp.post("/manage/events/<slug>/registrations/invite/people")
@permission_required("registrations.manage")
def invite_people(slug):
    event = visible_event_or_404(slug)
    form = InvitePeopleForm(prefix="people")
    if form.validate_on_submit():
        done = _do_invite(event, form.person_ids.data, form, _("pilihan perorangan"))
        if done is not None:
            return done
    return _render_invite(event, people_form=form, status=422)


@bp.post("/manage/events/<slug>/registrations/invite/opds")
@permission_required("registrations.manage")
def invite_opds(slug):
    event = visible_event_or_404(slug)
    form = InviteOpdsForm(prefix="opds")
    form.opd_ids.choices = [(opd.id, opd.name) for opd in active_opds()]
    if form.validate_on_submit():
        people = rules.people_of_opds(form.opd_ids.data, form.include_children.data)
        names = ", ".join(
            str(o) for o in active_opds() if o.id in set(form.opd_ids.data)
        )  # for the audit trail
        done = _do_invite(event, people, form, _("OPD: %(names)s", names=names)[:200])
        if done is not None:
            return done
    return _render_invite(event, opds_form=form, status=422)


@bp.post("/manage/events/<slug>/registrations/invite/rule")
@permission_required("registrations.manage")
def invite_rule(slug):
    event = visible_event_or_404(slug)
    form = InviteRuleForm(prefix="rule")
    if form.validate_on_submit():
        rule, level = form.rule.data, form.level.data
        source = str(INVITE_RULE_LABELS[rule])
        if rule == "level":
            source = f"{source}: {LEVEL_LABELS[level]}"
        done = _do_invite(event, rules.people_by_rule(rule, level), form, source)
        if done is not None:
            return done
    return _render_invite(event, rule_form=form, status=422)


# --- one registration ---------------------------------------------------------------------------


def _delegate_form():
    form = DelegateForm(prefix="delegate")
    form.opd_id.choices = opd_choices()
    return form


def _render_edit(event, registration, form=None, delegate_form=None, status=200):
    form = form or RegistrationForm(obj=registration)
    search = request.args.get("q", "").strip()
    found = []
    if search:
        found = db.session.scalars(people_query(search).limit(SEARCH_LIMIT)).all()
    delegate_form = delegate_form or _delegate_form()
    if request.method == "GET" and not delegate_form.opd_id.data:
        delegate_form.opd_id.data = registration.person.opd_id or 0
    return render_template(
        "participants/registrations/edit.html",
        event=event,
        registration=registration,
        form=form,
        delegate_form=delegate_form,
        search=search,
        found=found,
        registered=queries.registered_person_ids(event, (p.id for p in found)),
        active_delegates=changes.active_delegates(registration),
        groups=queries.event_groups(event),
        personal_url=url_for("personal.page", token=registration.link_token, _external=True),
        statuses=REGISTRATION_STATUS_LABELS,
        roles=ROLE_LABELS,
        levels=LEVEL_LABELS,
    ), status


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>", methods=["GET", "POST"])
@permission_required("registrations.manage")
def edit(slug, registration_id):
    event = visible_event_or_404(slug)
    registration = _registration(event, registration_id)
    form = RegistrationForm(obj=registration)
    if registration.status == "delegated":
        # Keeping "delegated" is allowed; choosing it is done by naming a delegate.
        form.status.choices = [
            ("delegated", REGISTRATION_STATUS_LABELS["delegated"]),
            *form.status.choices,
        ]
    if form.validate_on_submit():
        status = form.status.data
        try:
            changes.update_registration(
                registration,
                role=form.role.data,
                group=form.group.data or "",
                status=registration.status if status == "delegated" else status,
                note=form.note.data or "",
            )
        except RegistrationError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(
                url_for("registrations.edit", slug=slug, registration_id=registration_id)
            )
        db.session.commit()
        flash(_("Registrasi %(name)s disimpan.", name=registration.person.name), "success")
        return redirect(url_for("registrations.edit", slug=slug, registration_id=registration_id))
    return _render_edit(event, registration, form=form, status=422 if form.errors else 200)


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/delegate")
@permission_required("registrations.manage")
def delegate(slug, registration_id):
    event = visible_event_or_404(slug)
    registration = _registration(event, registration_id)
    form = _delegate_form()
    if not form.validate_on_submit():
        return _render_edit(event, registration, delegate_form=form, status=422)
    try:
        if form.person_id.data:
            person = db.session.get(Person, form.person_id.data)
            if person is None:
                raise RegistrationError(_("Orang yang dipilih tidak ditemukan di direktori."))
            # set_delegate refuses inactive people.
            delegate = delegates.set_delegate(registration, person, note=form.note.data or "")
        else:
            delegate = delegates.set_delegate(
                registration,
                new_person={
                    "name": form.name.data,
                    "position": form.position.data,
                    "opd_id": form.opd_id.data or None,
                    "institution": form.institution.data,
                    "email": form.email.data,
                    "phone": form.phone.data,
                },
                note=form.note.data or "",
                match_email=True,  # the organiser may name a directory person by e-mail
            )
    except RegistrationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _render_edit(event, registration, delegate_form=form, status=422)
    db.session.commit()
    flash(
        _(
            "%(name)s ditetapkan sebagai wakil %(head)s",
            head=registration.person.name,
            name=delegate.person.name,
        ),
        "success",
    )
    return redirect(url_for("registrations.edit", slug=slug, registration_id=registration_id))


def _action(slug, registration_id, change, message):
    event = visible_event_or_404(slug)
    registration = _registration(event, registration_id)
    require_csrf()
    try:
        change(registration)
    except RegistrationError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(message(registration), "success")
    return redirect_back(url_for("registrations.edit", slug=slug, registration_id=registration_id))


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/undo-delegate")
@permission_required("registrations.manage")
def undo_delegate(slug, registration_id):
    return _action(
        slug,
        registration_id,
        delegates.undo_delegate,
        lambda r: _("Perwakilan %(name)s dibatalkan.", name=r.person.name),
    )


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/cancel")
@permission_required("registrations.manage")
def cancel(slug, registration_id):
    return _action(
        slug,
        registration_id,
        changes.cancel,
        lambda r: _("Registrasi %(name)s dibatalkan.", name=r.person.name),
    )


@bp.post("/manage/events/<slug>/registrations/<int:registration_id>/reissue/<any(pass, link):kind>")
@permission_required("registrations.manage")
def reissue(slug, registration_id, kind):
    messages = {
        "pass": _l("Pass baru diterbitkan; pass lama tidak berlaku lagi."),
        "link": _l("Tautan pribadi baru diterbitkan; tautan lama tidak berlaku lagi."),
    }
    return _action(
        slug,
        registration_id,
        lambda r: passes.reissue(r, kind),
        lambda r: str(messages[kind]),
    )
