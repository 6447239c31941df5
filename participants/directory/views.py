"""People directory pages: list, edit, deactivate, heads of OPD, import (upload → preview →
confirm), export."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import uploads
from app.auth.permissions import permission_required
from app.core.home import nav_item
from app.extensions import db
from app.formatting import number
from app.forms import ActionForm
from app.opds.forms import opd_choices
from app.opds.models import Opd
from app.opds.services import active_opds
from app.tabular import TableError, read_table, table_response
from participants.directory import heads, people, spreadsheets
from participants.forms import CAPACITY_LABELS, LEVEL_LABELS, HeadForm, ImportForm, PersonForm
from participants.models import Person, default_head_title
from participants.nip import format_nip

bp = Blueprint(
    "directory", __name__, url_prefix="/people", template_folder="../templates"
)  # participants/templates
nav_item("admin", 85, _l("Pejabat"), "directory.index", "people.view")

PER_PAGE = 50
PREVIEW_LIMIT = 200  # rows of each kind listed on the preview page (errors: all)
STATUS_LABELS = {"active": _l("Aktif"), "inactive": _l("Nonaktif"), "all": _l("Semua status")}
_SESSION_KEY = "people_import"
IMPORT_AREA = "people-imports"  # staging area of app.uploads for this flow
FIELD_LABELS = {
    "nip": _l("NIP"),
    "name": _l("Nama"),
    "position": _l("Jabatan"),
    "level": _l("Jenjang"),
    "golongan": _l("Golongan"),
    "opd_id": _l("OPD"),
    "email": _l("Email"),
    "phone": _l("Telepon"),
    "institution": _l("Instansi"),
    "head": _l("Kepala OPD"),
}


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


# --- import: upload → preview → confirm ----------------------------------------------------------


def _staged():
    """(token, filename) of this user's uploaded file waiting for confirmation, or None."""
    staged = session.get(_SESSION_KEY)
    if not isinstance(staged, dict) or not staged.get("token"):
        return None
    return staged["token"], staged.get("name", "")


def _read_staged_rows():
    """Rows of the staged upload, or None (with the session cleared) when it is gone."""
    staged = _staged()
    if staged is None:
        return None, None
    token, filename = staged
    try:
        data = uploads.read_staged(IMPORT_AREA, token)
        return filename, read_table(data, spreadsheets.REQUIRED_COLUMNS)
    except (FileNotFoundError, TableError):
        session.pop(_SESSION_KEY, None)
        return None, None


@bp.route("/import", methods=["GET", "POST"])
@permission_required("people.manage")
def import_people():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "")[-200:]  # only shown and used for its type
        data = upload.read()
        try:
            rows = read_table(data, spreadsheets.REQUIRED_COLUMNS)
        except TableError as exc:
            form.file.errors.append(str(exc))
        else:
            if not rows:
                form.file.errors.append(_("Berkas tidak berisi baris data."))
            elif len(rows) > spreadsheets.MAX_IMPORT_ROWS:
                form.file.errors.append(
                    _(
                        "Berkas berisi %(count)s baris; paling banyak %(limit)s baris per impor. "
                        "Bagi berkas menjadi beberapa bagian.",
                        count=number(len(rows)),
                        limit=number(spreadsheets.MAX_IMPORT_ROWS),
                    )
                )
            else:
                previous = _staged()
                if previous:
                    uploads.discard_staged(IMPORT_AREA, previous[0])
                token = uploads.stage(data, IMPORT_AREA)
                session[_SESSION_KEY] = {"token": token, "name": filename}
                return redirect(url_for("directory.import_preview"))
    return render_template(
        "participants/directory/import.html",
        form=form,
        columns=spreadsheets.IMPORT_COLUMNS,
        levels=LEVEL_LABELS,
    )


def _render_preview(filename, plan, warning=None):
    return render_template(
        "participants/directory/preview.html",
        filename=filename,
        plan=plan,
        token=_staged()[0],
        expected=_expected(plan),
        warning=warning,
        limit=PREVIEW_LIMIT,
        levels=LEVEL_LABELS,
        capacities=CAPACITY_LABELS,
        field_labels=FIELD_LABELS,
    )


def _expected(plan) -> str:
    """What the preview promised, sent back on confirm: '<creates>-<updates>'."""
    return f"{len(plan.creates)}-{len(plan.updates)}"


@bp.get("/import/preview")
@permission_required("people.manage")
def import_preview():
    filename, rows = _read_staged_rows()
    if rows is None:
        flash(_("Tidak ada berkas impor yang menunggu. Unggah berkas terlebih dahulu."), "warning")
        return redirect(url_for("directory.import_people"))
    return _render_preview(filename, spreadsheets.plan_import(rows))


@bp.post("/import/confirm")
@permission_required("people.manage")
def import_confirm():
    if not ActionForm().validate_on_submit():
        abort(400)
    filename, rows = _read_staged_rows()
    if rows is None:
        flash(_("Tidak ada berkas impor yang menunggu. Unggah berkas terlebih dahulu."), "warning")
        return redirect(url_for("directory.import_people"))
    if request.form.get("token") != _staged()[0]:
        # Another tab uploaded a different file since this preview was shown.
        flash(_("Berkas impor telah diganti. Periksa pratinjau ini sebelum menyimpan."), "warning")
        return redirect(url_for("directory.import_preview"))
    plan = spreadsheets.plan_import(rows)  # again: the directory may have changed since preview
    if not plan.ok:
        db.session.rollback()
        return _render_preview(filename, plan), 422
    if request.form.get("expected") != _expected(plan):
        db.session.rollback()
        warning = _("Direktori berubah sejak pratinjau ditampilkan. Periksa lagi lalu simpan.")
        return _render_preview(filename, plan, warning), 409
    created, updated = spreadsheets.apply_import(plan, filename)
    db.session.commit()
    uploads.discard_staged(IMPORT_AREA, session.pop(_SESSION_KEY)["token"])
    flash(
        _(
            "Impor selesai: %(created)s orang baru, %(updated)s diperbarui, "
            "%(unchanged)s tidak berubah.",
            created=created,
            updated=updated,
            unchanged=plan.unchanged,
        ),
        "success",
    )
    return redirect(url_for("directory.index"))


@bp.post("/import/cancel")
@permission_required("people.manage")
def import_cancel():
    if ActionForm().validate_on_submit():
        staged = session.pop(_SESSION_KEY, None)
        if isinstance(staged, dict):
            uploads.discard_staged(IMPORT_AREA, staged.get("token"))
        flash(_("Impor dibatalkan; tidak ada data yang diubah."), "info")
    return redirect(url_for("directory.import_people"))


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
