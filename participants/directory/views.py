"""People directory pages: list, edit, deactivate, heads of OPD, import (upload → preview →
confirm), export."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import staged_import
from app.auth.permissions import permission_required
from app.core.home import nav_item
from app.extensions import db
from app.forms import ActionForm
from app.opds.forms import opd_choices
from app.opds.models import Opd
from app.opds.services import active_opds
from app.tabular import table_response
from participants.directory import heads, imports, people, spreadsheets
from participants.forms import CAPACITY_LABELS, LEVEL_LABELS, HeadForm, ImportForm, PersonForm
from participants.models import Person, default_head_title
from participants.nip import format_nip

bp = Blueprint(
    "directory", __name__, url_prefix="/people", template_folder="../templates"
)  # participants/templates
nav_item("admin", 85, _l("Pejabat"), "directory.index", "people.view")

PER_PAGE = 50
STATUS_LABELS = {"active": _l("Aktif"), "inactive": _l("Nonaktif"), "all": _l("Semua status")}


@bp.app_template_filter("nip")
def nip_filter(value) -> str:
    """'198609262015051001' → '19860926 201505 1 001' in templates."""
    return format_nip(value)


def _filters():
    """The list filters from the query string: (search, opd id, level, status)."""
    search = request.args.get("q", "").strip()
    opd_id = request.args.get("opd", type=int)
    level = request.args.get("level", "")
    level = level if level in LEVEL_LABELS else ""
    status = request.args.get("status", "active")
    status = status if status in STATUS_LABELS else "active"
    return search, opd_id, level, status


@bp.get("/")
@permission_required("people.view")
def index():
    search, opd_id, level, status = _filters()
    page = db.paginate(
        people.people_query(search, opd_id, level, status), per_page=PER_PAGE, max_per_page=100
    )
    return render_template(
        "participants/directory/index.html",
        page=page,
        search=search,
        opd_id=opd_id,
        level=level,
        status=status,
        opds=active_opds(),
        levels=LEVEL_LABELS,
        statuses=STATUS_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@permission_required("people.manage")
def edit(person_id=None):
    person = db.get_or_404(Person, person_id) if person_id else None
    form = PersonForm(obj=person)
    form.opd_id.choices = opd_choices()
    if request.method == "GET" and person is not None:
        form.opd_id.data = person.opd_id or 0
        form.nip.data = format_nip(person.nip)
        form.golongan.data = person.golongan
    if form.validate_on_submit():
        nip = form.nip.data or None
        email = (form.email.data or "").strip().lower() or None
        same_nip = people.get_by_nip(nip) if nip else None
        same_email = people.get_by_email(email) if email else None
        if same_nip is not None and same_nip is not person:
            form.nip.errors.append(
                _(
                    "NIP %(nip)s sudah terdaftar (%(name)s).",
                    nip=format_nip(nip),
                    name=same_nip.name,
                )
            )
        elif same_email is not None and same_email is not person:
            form.email.errors.append(
                _("Email %(email)s sudah dipakai (%(name)s).", email=email, name=same_email.name)
            )
        else:
            person = people.save_person(
                person or Person(),
                nip=nip,
                name=form.name.data.strip(),
                position=(form.position.data or "").strip(),
                level=form.level.data,
                golongan=form.golongan.data or "",
                opd_id=form.opd_id.data or None,
                institution=(form.institution.data or "").strip(),
                email=email,
                phone=(form.phone.data or "").strip(),
                active=form.active.data,
            )
            db.session.commit()
            flash(_("Data %(name)s disimpan.", name=person.name), "success")
            return redirect(url_for("directory.index", q=person.nip or person.name))
    return render_template("participants/directory/edit.html", form=form, person=person)


@bp.get("/heads")
@permission_required("people.view")
def heads_index():
    return render_template(
        "participants/directory/heads.html",
        rows=heads.heads_overview(),
        capacities=CAPACITY_LABELS,
        action_form=ActionForm(),
    )


@bp.route("/heads/<int:opd_id>", methods=["GET", "POST"])
@permission_required("people.manage")
def edit_head(opd_id):
    opd = db.get_or_404(Opd, opd_id)
    current = heads.head_of(opd)
    form = HeadForm(obj=current)
    candidates = heads.candidates(opd)
    form.person_id.choices = [(0, _("— pilih —"))] + [
        (p.id, f"{p.name} · {p.position_line or p.affiliation}") for p in candidates
    ]
    if current is not None and current.person not in candidates:
        form.person_id.choices.append((current.person_id, current.person.name))
    if form.validate_on_submit():
        person = people.get_by_nip(form.nip.data) if form.nip.data else None
        if form.nip.data and person is None:
            form.nip.errors.append(_("Tidak ada pejabat dengan NIP itu di direktori."))
        elif person is None and form.person_id.data:
            person = db.session.get(Person, form.person_id.data)
        if person is None and not form.nip.errors:
            form.person_id.errors.append(_("Pilih pejabat atau isi NIP-nya."))
        if person is not None:
            try:
                head = heads.set_head(
                    opd, person, form.capacity.data, form.title.data, form.since.data
                )
            except heads.HeadError as exc:
                db.session.rollback()
                form.person_id.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("%(line)s: %(name)s", line=head.title_line, name=person.name), "success")
                return redirect(url_for("directory.heads_index"))
    return render_template(
        "participants/directory/edit_head.html",
        opd=opd,
        default_title=default_head_title(opd),
        current=current,
        form=form,
        action_form=ActionForm(),
    )


@bp.post("/heads/<int:opd_id>/clear")
@permission_required("people.manage")
def clear_head(opd_id):
    opd = db.get_or_404(Opd, opd_id)
    if ActionForm().validate_on_submit() and heads.clear_head(opd):
        db.session.commit()
        flash(_("Jabatan kepala %(opd)s dikosongkan.", opd=opd.name), "success")
    return redirect(url_for("directory.heads_index"))


@bp.post("/<int:person_id>/active")
@permission_required("people.manage")
def toggle_active(person_id):
    person = db.get_or_404(Person, person_id)
    if ActionForm().validate_on_submit():
        people.set_active(person, not person.active)
        db.session.commit()
        if person.active:
            flash(_("%(name)s diaktifkan kembali.", name=person.name), "success")
        else:
            flash(_("%(name)s dinonaktifkan.", name=person.name), "success")
    return redirect(request.referrer or url_for("directory.index"))


# --- import: upload → preview → confirm (app.staged_import) ------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@permission_required("people.manage")
def import_people():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            return staged_import.start(imports.IMPORTER, form.file.data)
        except staged_import.ImportRefused as exc:
            form.file.errors.append(str(exc))
    return render_template(
        "participants/directory/import.html",
        form=form,
        columns=spreadsheets.IMPORT_COLUMNS,
        levels=LEVEL_LABELS,
    )


staged_import.add_steps(bp, imports.IMPORTER, "/import", permission_required("people.manage"))


@bp.get("/template.<any(xlsx, csv):fmt>")
@permission_required("people.manage")
def template(fmt):
    return table_response(
        "templat-pejabat", fmt, spreadsheets.IMPORT_COLUMNS, spreadsheets.TEMPLATE_ROWS
    )


@bp.get("/export.<any(xlsx, csv):fmt>")
@permission_required("people.view")
def export(fmt):
    search, opd_id, level, status = _filters()
    header, rows = spreadsheets.export_rows(people.people_query(search, opd_id, level, status))
    return table_response("pejabat", fmt, header, rows)
