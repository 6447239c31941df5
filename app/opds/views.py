from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.auth.permissions import permission_required, require
from app.core.home import nav_item
from app.extensions import db
from app.forms import ActionForm
from app.opds import services
from app.opds.forms import KIND_LABELS, ImportForm, OpdForm, opd_choices
from app.opds.models import Opd
from app.tabular import TableError, read_table, table_response

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
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = read_table(upload.read(), services.REQUIRED_COLUMNS)
        except TableError as exc:
            form.file.errors.append(str(exc))
        else:
            if not rows:
                form.file.errors.append(_("Berkas tidak berisi baris data."))
            else:
                created, updated, errors = services.import_opds(rows)
                if not errors:
                    db.session.commit()
                    flash(
                        _(
                            "Impor selesai: %(created)s OPD baru, %(updated)s diperbarui.",
                            created=created,
                            updated=updated,
                        ),
                        "success",
                    )
                    return redirect(url_for("opds.index"))
                db.session.rollback()
    return render_template(
        "opds/import.html",
        form=form,
        errors=errors,
        columns=services.IMPORT_COLUMNS,
        kinds=KIND_LABELS,
    )


@bp.get("/template.<any(xlsx, csv):fmt>")
@permission_required("opd.manage")
def template(fmt):
    example = [
        ["SETDA", "Sekretariat Daerah", "Setda", "sekretariat", "", "ya"],
        ["BAG-ORG", "Bagian Organisasi", "Bag. Organisasi", "bagian", "SETDA", "ya"],
        ["KEC-BATU", "Kecamatan Batu", "Kec. Batu", "kecamatan", "", "ya"],
        ["KEL-SISIR", "Kelurahan Sisir", "Kel. Sisir", "kelurahan", "KEC-BATU", "ya"],
    ]
    return table_response("template-opd", fmt, services.IMPORT_COLUMNS, example)


@bp.get("/export.<any(xlsx, csv):fmt>")
@permission_required("opd.view")
def export(fmt):
    header, rows = services.export_rows()
    return table_response("opd", fmt, header, rows)
