from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.auth.forms import EMAIL_PATTERN
from app.forms import choices
from participants.models import GOLONGAN, PERSON_LEVELS
from participants.nip import NipError
from participants.nip import validate_nip as check_nip

LEVEL_LABELS = {
    "jpt_pratama": _l("JPT Pratama"),
    "administrator": _l("Administrator"),
    "pengawas": _l("Pengawas"),
    "fungsional": _l("Fungsional"),
    "non_asn": _l("Non-ASN / tamu"),
}
assert set(LEVEL_LABELS) == set(PERSON_LEVELS)


class PersonForm(FlaskForm):
    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Length(max=40)],
        description=_l("18 digit, boleh dengan spasi. Kosongkan untuk tamu non-ASN."),
    )
    name = StringField(
        _l("Nama lengkap dengan gelar"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Contoh: Dr. Ir. Sopa Ike Paci, M.Si."),
    )
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    level = SelectField(_l("Jenjang jabatan"), choices=choices(LEVEL_LABELS.items()))
    golongan = SelectField(
        _l("Golongan"),
        choices=choices([("", _l("— tidak ada —")), *((g, g) for g in GOLONGAN)]),
        validators=[Optional()],
    )
    opd_id = SelectField(_l("OPD"), coerce=int, validators=[Optional()])
    institution = StringField(
        _l("Instansi"),
        validators=[Optional(), Length(max=200)],
        description=_l("Untuk tamu dari luar pemerintah daerah, mis. narasumber."),
    )
    email = EmailField(
        _l("Email"),
        validators=[
            Optional(),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Telepon"), validators=[Optional(), Length(max=40)])
    active = BooleanField(_l("Aktif"), default=True)

    def validate_nip(self, field):
        if field.data and field.data.strip():
            try:
                field.data = check_nip(field.data)
            except NipError as exc:
                raise ValidationError(str(exc)) from exc


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas (.xlsx atau .csv)"), validators=[FileRequired()])
