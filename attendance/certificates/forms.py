"""The certificate rule form."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

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
    number_code = StringField(
        _l("Kode acara pada nomor sertifikat"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9.-]*$",
                message=_l("Hanya huruf, angka, titik dan tanda hubung."),
            ),
        ],
        description=_l(
            "mis. RAKOR-PP menjadi 001/SERT/RAKOR-PP/2026; kosong: kode acara di alamatnya."
        ),
    )
    hours = IntegerField(
        _l("Jam pelajaran (JP)"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)]
    )
