from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import services
from app.auth.forms import ROLE_LABELS, LoginForm, UserForm
from app.auth.models import ADMIN, User
from app.auth.permissions import permission_required
from app.core.home import nav_item
from app.extensions import db, limiter
from app.forms import ActionForm
from app.opds.forms import opd_choices
from app.urls import safe_next

bp = Blueprint("auth", __name__)
nav_item("admin", 90, _l("Pengguna"), "auth.users", "user.manage")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    # Only failed attempts count: a successful login redirects.
    deduct_when=lambda response: response.status_code != 302,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Email atau kata sandi salah, atau akun tidak aktif."), "danger")
        else:
            db.session.commit()
            # A fresh session for the signed-in user: nothing set before login carries over
            # (only the visitor's chosen language), so a planted session cannot be taken over.
            language = session.get("lang")
            session.clear()
            login_user(user, remember=form.remember.data)
            session["lang"] = user.locale or language
            if session["lang"] is None:
                session.pop("lang")
            return redirect(safe_next(request.args.get("next"), url_for("core.home")))
    return render_template("auth/login.html", form=form), 200


@bp.post("/logout")
@login_required
def logout():
    response = redirect(url_for("auth.login"))
    if ActionForm().validate_on_submit():
        # Every session of the account ends, the remember-me cookies too (copied or not).
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        flash(_("Anda telah keluar."), "info")
        # A shared phone or laptop keeps nothing of the account: the check-in scanner's
        # roster, its offline copies and service workers go with the session.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/users/")
@permission_required("user.manage")
def users():
    role = request.args.get("role", "")
    page = db.paginate(services.user_query(role), per_page=50)
    return render_template(
        "auth/users.html", page=page, roles=ROLE_LABELS, role=role, action_form=ActionForm()
    )


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("user.manage")
def edit_user(user_id=None):
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    form.opd_id.choices = opd_choices(current=user.opd if user else None)
    if request.method == "GET" and user is not None:
        form.opd_id.data = user.opd_id or 0
    if form.validate_on_submit():
        other = services.get_by_email(form.email.data)
        if other is not None and other is not user:
            form.email.errors.append(_("Email ini sudah dipakai pengguna lain."))
        elif (
            user is not None
            and user.id == current_user.id
            and (form.role.data != ADMIN or not form.active.data)
        ):
            form.role.errors.append(
                _("Anda tidak dapat menurunkan peran atau menonaktifkan akun Anda sendiri.")
            )
        elif user is None and not form.password.data:
            form.password.errors.append(_("Kata sandi wajib untuk pengguna baru."))
        else:
            user = services.save_user(
                user or User(),
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                opd_id=form.opd_id.data or None,
                active=form.active.data,
                password=form.password.data or None,
            )
            db.session.commit()
            if user.id == current_user.id and form.password.data:
                login_user(user)  # a new password ends the other sessions, not this one
            flash(_("Pengguna %(name)s disimpan.", name=user.name), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/edit_user.html", form=form, user=user)


@bp.post("/users/<int:user_id>/active")
@permission_required("user.manage")
def toggle_user(user_id):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("Anda tidak dapat menonaktifkan akun Anda sendiri."), "warning")
    elif ActionForm().validate_on_submit():
        services.set_active(user, not user.active)
        db.session.commit()
        flash(_("Status pengguna %(name)s diperbarui.", name=user.name), "success")
    return redirect(url_for("auth.users"))
