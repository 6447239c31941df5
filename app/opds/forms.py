from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import Form, choices
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


class OpdForm(Form):
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


class ImportForm(Form):
    file = FileField(_l("Berkas (.xlsx atau .csv)"), validators=[FileRequired()])


def opd_choices(exclude: Opd | None = None, current: Opd | None = None):
    """'— none —' then every active OPD, for an optional OPD select (value 0 = none).

    ``current`` (the value already saved) stays selectable even if it was deactivated since.
    """
    opds = [o for o in active_opds() if o is not exclude]
    if current is not None and current not in opds and current is not exclude:
        opds.append(current)
    pairs = [(0, _("— tidak ada —"))] + [(o.id, f"{o.code} · {o.short_name}") for o in opds]
    return choices(pairs)
