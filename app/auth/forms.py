from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.auth.models import ROLES
from app.forms import Form, choices

# Deliberately simple: the address is checked by use, not by DNS (demo.test must pass).
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "organiser": _l("Panitia"),
    "operator": _l("Operator check-in"),
    "opd": _l("Pengguna OPD"),
    "viewer": _l("Pimpinan (lihat saja)"),
}
assert set(ROLE_LABELS) == set(ROLES)


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired()])
    remember = BooleanField(_l("Ingat saya"))


class UserForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Nama"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Peran"), choices=choices(ROLE_LABELS.items()))
    opd_id = SelectField(_l("OPD"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Aktif"), default=True)
    password = PasswordField(
        _l("Kata sandi"),
        validators=[Optional(), Length(min=10, message=_l("Minimal 10 karakter."))],
        description=_l("Kosongkan untuk tidak mengubah."),
    )

    def validate_opd_id(self, field):
        if self.role.data == "opd" and not field.data:
            raise ValidationError(_("Pengguna OPD harus terikat pada satu OPD."))
