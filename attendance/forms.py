from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, choices

MARK_LABELS = {
    "izin": _l("Izin"),
    "sakit": _l("Sakit"),
    "dinas_luar": _l("Dinas luar"),
}
# "Hadir"/"Tidak hadir" are also RSVP answers ("Attend"); as attendance they are statuses.
STATUS_LABELS = {
    "hadir": lazy_pgettext("status kehadiran", "Hadir"),
    "terlambat": _l("Terlambat"),
    **MARK_LABELS,
    "belum_hadir": _l("Belum hadir"),
    "tidak_hadir": lazy_pgettext("status kehadiran", "Tidak hadir"),
}
RESULT_LABELS = {
    "ok": _l("Hadir"),
    "duplicate": _l("Sudah tercatat"),
    "revoked": _l("Pass dicabut"),
    "wrong_event": _l("Bukan untuk acara ini"),
    "not_in_session": _l("Bukan kelompok sesi ini"),
    "outside_event": _l("Di luar waktu acara"),
    "unknown": _l("Kode tidak dikenal"),
    # Not an answer of the server: the scanner's screen while it waits for one (no roster yet).
    "pending": _l("Memeriksa…"),
}


class MarkForm(Form):
    """The organiser's note why someone is absent (empty status clears it)."""

    registration_id = IntegerField(validators=[DataRequired()])
    day = HiddenField(validators=[DataRequired()])
    session_id = IntegerField(validators=[Optional()])
    status = SelectField(
        _l("Keterangan"), choices=choices([("", _l("— hapus keterangan —")), *MARK_LABELS.items()])
    )
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=300)])


class ManualCheckInForm(Form):
    registration_id = IntegerField(validators=[DataRequired()])
    session_id = IntegerField(validators=[Optional()])
