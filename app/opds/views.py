from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app import staged_import
from app.auth.permissions import permission_required, require
from app.core.home import nav_item
from app.extensions import db
from app.forms import ActionForm
from app.opds import imports, services
from app.opds.forms import KIND_LABELS, ImportForm, OpdForm, opd_choices
from app.opds.models import Opd
from app.tabular import table_response

bp = Blueprint("opds", __name__, url_prefix="/opd")
nav_item("admin", 80, _l("Perangkat Daerah"), "opds.index", "opd.view")


@bp.get("/")
@permission_required("opd.view")
def index():
    search = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    page = db.paginate(services.opd_query(search, kind), per_page=50)
    return render_template(
        "opds/index.html",
        page=page,
        search=search,
        kind=kind,
        kinds=KIND_LABELS,
        action_form=ActionForm(),
    )


@bp.get("/<int:opd_id>")
@login_required
def show(opd_id):
    opd = db.get_or_404(Opd, opd_id)
    require("opd.view_one", opd)
    return render_template("opds/show.html", opd=opd, kinds=KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:opd_id>/edit", methods=["GET", "POST"])
@permission_required("opd.manage")
def edit(opd_id=None):
    opd = db.get_or_404(Opd, opd_id) if opd_id else None
    form = OpdForm(obj=opd)
    form.parent_id.choices = opd_choices(exclude=opd, current=opd.parent if opd else None)
    if request.method == "GET" and opd is not None:
        form.parent_id.data = opd.parent_id or 0
    if form.validate_on_submit():
        code = form.code.data.strip().upper()
        other = services.get_by_code(code)
        parent_id = form.parent_id.data or None
        if other is not None and other is not opd:
            form.code.errors.append(
                _("Kode %(code)s sudah dipakai %(name)s.", code=code, name=other.name)
            )
        elif opd is not None and services.would_create_cycle(opd, parent_id):
            form.parent_id.errors.append(_("Induk tidak boleh OPD ini sendiri atau bawahannya."))
        else:
            opd = services.save_opd(
                opd or Opd(),
                code=code,
                name=form.name.data.strip(),
                short_name=(form.short_name.data or "").strip(),
                kind=form.kind.data,
                parent_id=parent_id,
                active=form.active.data,
            )
            db.session.commit()
            flash(_("OPD %(name)s disimpan.", name=opd.short_name), "success")
            return redirect(url_for("opds.show", opd_id=opd.id))
    return render_template("opds/edit.html", form=form, opd=opd)


@bp.post("/<int:opd_id>/active")
@permission_required("opd.manage")
def toggle_active(opd_id):
    opd = db.get_or_404(Opd, opd_id)
    if ActionForm().validate_on_submit():
        services.set_active(opd, not opd.active)
        db.session.commit()
        if opd.active:
            flash(_("%(name)s diaktifkan kembali.", name=opd.short_name), "success")
        else:
            flash(_("%(name)s dinonaktifkan.", name=opd.short_name), "success")
    return redirect(request.referrer or url_for("opds.index"))


@bp.route("/import", methods=["GET", "POST"])
@permission_required("opd.manage")
def import_opds():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            return staged_import.start(imports.IMPORTER, form.file.data)
        except staged_import.ImportRefused as exc:
            form.file.errors.append(str(exc))
    return render_template(
        "opds/import.html", form=form, columns=services.IMPORT_COLUMNS, kinds=KIND_LABELS
    )


staged_import.add_steps(bp, imports.IMPORTER, "/import", permission_required("opd.manage"))


@bp.get("/template.<any(xlsx, csv):fmt>")
@permission_required("opd.manage")
def template(fmt):
    return table_response("template-opd", fmt, services.IMPORT_COLUMNS, imports.TEMPLATE_ROWS)


@bp.get("/export.<any(xlsx, csv):fmt>")
@permission_required("opd.view")
def export(fmt):
    header, rows = services.export_rows()
    return table_response("opd", fmt, header, rows)
