"""The organisation's settings page (administrators): the letterhead of official documents."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app import uploads
from app.auth.permissions import permission_required
from app.downloads import pdf_response
from app.extensions import db
from app.organisation import services
from app.organisation.forms import LetterheadForm
from app.pdf import document_pdf, kop, letter_styles, paragraph

bp = Blueprint("organisation", __name__, template_folder="templates", url_prefix="/admin")


@bp.route("/kop-surat", methods=["GET", "POST"])
@permission_required("organisation.manage")
def letterhead():
    row = services.letterhead_row()
    form = LetterheadForm(obj=row)
    if row is None and not form.is_submitted():
        form.lines.data = "\n".join(services.configured_lines())
    if form.validate_on_submit():
        upload = form.emblem.data
        try:
            services.save_letterhead(
                lines=form.lines.data,
                address=form.address.data or "",
                phone=form.phone.data or "",
                website=form.website.data or "",
                email=form.email.data or "",
                emblem=upload.read() if upload and upload.filename else None,
                remove=form.remove_emblem.data,
            )
        except uploads.UploadError as exc:
            db.session.rollback()
            form.emblem.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Kop surat disimpan."), "success")
            return redirect(url_for("organisation.letterhead"))
    return render_template(
        "organisation/letterhead.html",
        form=form,
        has_emblem=bool(row and row.emblem_sha256),
    ), (422 if form.errors else 200)


@bp.get("/kop-surat/contoh.pdf")
@permission_required("organisation.manage")
def sample():
    """A page with the kop as documents print it, to check it before the next letter."""
    styles = letter_styles()
    story = [*kop(styles), paragraph(_("Contoh kop surat"), styles["title"])]
    return pdf_response(
        document_pdf(story, title=_("Contoh kop surat"), footer=None), "contoh-kop-surat.pdf"
    )
