from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import choices
from app.opds.models import OPD_KINDS, Opd
from app.opds.services import active_opds

KIND_LABELS = {
    "sekretariat": _l("Sekretariat"),
    "bagian": _l("Bagian"),
    "inspektorat": _l("Inspektorat"),
    "dinas": _l("Dinas"),
    "badan": _l("Badan"),
    "satuan": _l("Satuan"),
    "kecamatan": _l("Kecamatan"),
    "kelurahan": _l("Kelurahan"),
    "desa": _l("Desa"),
}
assert set(KIND_LABELS) == set(OPD_KINDS)


class OpdForm(FlaskForm):
    code = StringField(
        _l("Kode"),
        validators=[
            DataRequired(),
            Length(max=32),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9-]*$", message=_l("Hanya huruf, angka dan tanda hubung.")
            ),
        ],
        description=_l("Contoh: DISKOMINFO, KEC-BATU"),
    )
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Nama singkat"), validators=[Optional(), Length(max=60)])
    kind = SelectField(_l("Jenis"), choices=choices(KIND_LABELS.items()))
    parent_id = SelectField(_l("Induk"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Aktif"), default=True)


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas (.xlsx atau .csv)"), validators=[FileRequired()])


def opd_choices(exclude: Opd | None = None):
    """'— none —' then every active OPD, for an optional OPD select (value 0 = none)."""
    pairs = [(0, _("— tidak ada —"))]
    pairs += [(o.id, f"{o.code} · {o.short_name}") for o in active_opds() if o is not exclude]
    return choices(pairs)
