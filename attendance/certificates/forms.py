"""The certificate rule form."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form


class CertificateRuleForm(Form):
    title = StringField(
        _l("Judul sertifikat"), default="SERTIFIKAT", validators=[DataRequired(), Length(max=200)]
    )
    min_percent = IntegerField(
        _l("Hadir minimal (persen sesi presensi)"),
        default=80,
        validators=[DataRequired(), NumberRange(min=1, max=100)],
    )
    hours = IntegerField(
        _l("Jam pelajaran (JP)"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
