"""The priority program form."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form


class ProgramForm(Form):
    year = IntegerField(_l("Tahun"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    number = IntegerField(_l("Nomor"), validators=[InputRequired(), NumberRange(min=1, max=99)])
    name = StringField(_l("Nama program"), validators=[DataRequired(), Length(max=200)])
    lead_opd = StringField(_l("OPD penanggung jawab"), validators=[Optional(), Length(max=260)])
    description = TextAreaField(_l("Uraian"), validators=[Optional()])
