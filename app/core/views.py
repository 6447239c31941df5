from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from app import background_documents
from app.audit.models import AuditEntry
from app.auth.models import ADMIN, OPD, ORGANISER, VIEWER, User
from app.core.home import home_panel, panels_for
from app.extensions import db
from app.forms import ActionForm
from app.opds.forms import KIND_LABELS
from app.opds.models import Opd
from app.tasks import broker_status
from app.timeutil import to_zone, utcnow
from app.urls import redirect_back, safe_next

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def home():
    today = to_zone(utcnow()).date()
    return render_template("core/home.html", panels=panels_for(current_user), today=today)


@bp.get("/favicon.ico")
def favicon():
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/healthz")
def healthz():
    """For the load balancer: 200 {"status": "ok"} while the database answers, 503
    {"status": "unavailable"} while it does not. ``?deep=1`` also asks the task queue's broker
    (``"broker": {"mode": "worker", "status": "ok"}``, or ``"eager"`` when tasks run
    in-process); a broker that does not answer makes it 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        # Down, or a connection the server dropped (the pool has replaced it: retry at once).
        db.session.remove()
        return jsonify(status="unavailable"), 503, {"Retry-After": "1"}
    if request.args.get("deep") != "1":
        return jsonify(status="ok")
    broker = broker_status()
    healthy = broker.get("status", "ok") == "ok"
    return jsonify(status="ok" if healthy else "error", broker=broker), 200 if healthy else 503


@bp.get("/unduhan/<token>")
@login_required
def download(token):
    """A document built in the background: its progress, then its link (requester only)."""
    job = background_documents.own_job_or_404(token)
    return render_template("core/download.html", job=job)


@bp.get("/unduhan/<token>/kemajuan")
@login_required
def download_progress(token):
    """The progress alone (htmx polls it while the document is being built)."""
    job = background_documents.own_job_or_404(token)
    return render_template("core/_download_progress.html", job=job)


@bp.get("/unduhan/<token>/berkas")
@login_required
def download_file(token):
    job = background_documents.own_job_or_404(token)
    path = background_documents.file_path(job)
    if job.status != "ready" or not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype=job.mimetype, as_attachment=True, download_name=job.filename
    )
    response.headers["Cache-Control"] = "private, no-store"  # names and live pass tokens
    return response


@bp.get("/language/<lang>")
def choose_language(lang):
    """A visitor who is not logged in switches language by a link, so public pages need no form
    (and set no cookie) until they choose; the choice changes only their own display language."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    return redirect(safe_next(request.args.get("next"), url_for("core.home")))


@bp.post("/language/<lang>")
def set_language(lang):
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    if ActionForm().validate_on_submit():
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect_back(url_for("core.home"))


@home_panel(ADMIN, ORGANISER, VIEWER, order=80)
def _opd_summary(user):
    counts = db.session.execute(
        select(Opd.kind, func.count()).where(Opd.active.is_(True)).group_by(Opd.kind)
    ).all()
    return render_template("core/panel_opds.html", counts=dict(counts), kinds=KIND_LABELS)


@home_panel(ADMIN, order=90)
def _admin_summary(user):
    users = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    recent = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(8)).all()
    return render_template("core/panel_admin.html", users=users, recent=recent)


@home_panel(OPD, order=90)
def _own_opd(user):
    colleagues = db.session.scalars(
        select(User).where(User.opd_id == user.opd_id, User.active.is_(True)).order_by(User.name)
    ).all()
    return render_template(
        "core/panel_own_opd.html", opd=user.opd, colleagues=colleagues, kinds=KIND_LABELS
    )
