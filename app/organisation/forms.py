from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form


class LetterheadForm(Form):
    lines = TextAreaField(
        _l("Baris kop"),
        validators=[DataRequired(), Length(max=600)],
        description=_l("Satu baris per baris, yang terbesar di atas, mis. PEMERINTAH KOTA BATU."),
    )
    address = StringField(_l("Alamat"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Telepon"), validators=[Optional(), Length(max=100)])
    website = StringField(
        _l("Laman"),
        validators=[Optional(), Length(max=200)],
        description=_l("mis. batukota.go.id"),
    )
    email = StringField(_l("Pos-el"), validators=[Optional(), Length(max=200)])
    emblem = FileField(
        _l("Lambang daerah (PNG atau JPG)"),
        description=_l("Dicetak di kiri kop. Kosongkan untuk tetap memakai lambang yang ada."),
    )
    remove_emblem = BooleanField(_l("Hapus lambang"))
