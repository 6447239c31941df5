"""Certificate pages: the organiser's rule and issue, the PDFs, the public verification page."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from agenda.event_links import event_link
from agenda.permissions import visible_event_or_404
from app.auth.permissions import permission_required
from app.downloads import pdf_response
from app.extensions import db
from app.forms import ActionForm
from attendance.certificates import services as certificates
from attendance.certificates.forms import CertificateRuleForm
from participants import passes, personal

bp = Blueprint("certificates", __name__)
event_link(42, _l("Sertifikat"), "attendance.certificates.index", "attendance.manage")


@bp.route("/events/<slug>/certificates", methods=["GET", "POST"])
@permission_required("attendance.manage")
def index(slug):
    event = visible_event_or_404(slug)
    rule = certificates.rule_for(event)
    form = CertificateRuleForm(obj=rule)
    if form.validate_on_submit():
        certificates.save_rule(
            rule,
            title=form.title.data,
            min_percent=form.min_percent.data,
            hours=form.hours.data,
            number_code=form.number_code.data or "",
        )
        db.session.commit()
        flash(_("Aturan sertifikat disimpan."), "success")
        return redirect(url_for("attendance.certificates.index", slug=slug))
    standings = certificates.ranked_standings(event)
    return render_template(
        "attendance/certificates/index.html",
        event=event,
        rule=rule,
        form=form,
        standings=standings,
        issue_form=ActionForm(),
        has_sessions=any(s.expected for s in standings),
    )


@bp.post("/events/<slug>/certificates/issue")
@permission_required("attendance.manage")
def issue(slug):
    event = visible_event_or_404(slug)
    if ActionForm().validate_on_submit():
        made = certificates.issue(event, certificates.rule_for(event))
        db.session.commit()
        flash(
            ngettext(
                "%(num)s sertifikat diterbitkan.", "%(num)s sertifikat diterbitkan.", len(made)
            ),
            "success" if made else "info",
        )
    return redirect(url_for("attendance.certificates.index", slug=slug))


@bp.get("/events/<slug>/certificates.pdf")
@permission_required("attendance.manage")
def pdf(slug):
    event = visible_event_or_404(slug)
    issued = certificates.issued(event)
    if not issued:
        abort(404)
    body = certificates.certificates_pdf(issued, certificates.rule_for(event))
    return pdf_response(body, f"sertifikat-{event.slug}.pdf")


@bp.get("/p/<token>/certificate.pdf")
def own(token):
    """A participant's own certificate, from their personal link."""
    found = passes.lookup(token, "link")
    certificate = (
        certificates.certificate_of(found.registration) if found.state == "active" else None
    )
    if certificate is None:
        abort(404)
    response = pdf_response(
        certificates.certificates_pdf([certificate], certificates.rule_for(certificate.event)),
        "sertifikat.pdf",
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/sertifikat/<token>")
def verify(token):
    """Public: says whether a certificate is genuine, with name, event, date and JP only."""
    certificate = certificates.certificate_by_token(token)
    response = Response(
        render_template("attendance/certificates/verify.html", certificate=certificate),
        status=200 if certificate else 404,
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@personal.personal_section(order=60)
def _own_certificate(registration):
    certificate = certificates.certificate_of(registration)
    if certificate is None:
        return None
    return render_template(
        "attendance/certificates/personal_section.html",
        certificate=certificate,
        url=url_for("attendance.certificates.own", token=registration.link_token),
    )
