from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form, choices
from app.i18n import translated

KIND_LABELS = {
    "rekomendasi": _l("Rekomendasi"),
    "komitmen": _l("Komitmen / pakta integritas"),
    "tugas": _l("Tugas"),
}
STATUS_LABELS = {
    "belum_ditindaklanjuti": _l("Belum ditindaklanjuti"),
    "dalam_proses": _l("Dalam proses"),
    "sesuai": _l("Sesuai"),
    "belum_sesuai": _l("Belum sesuai"),
    "tidak_dapat_ditindaklanjuti": _l("Tidak dapat ditindaklanjuti"),
}
# Every status an item may show: the five above and the closed state of a carried-over item.
ITEM_STATUS_LABELS = {**STATUS_LABELS, "dilanjutkan": _l("Dilanjutkan")}
# What an OPD may claim in a report (followup/lifecycle.py).
PROPOSAL_LABELS = {
    "dalam_proses": _l("Masih dalam proses"),
    "sesuai": _l("Selesai (sesuai)"),
    "tidak_dapat_ditindaklanjuti": _l("Tidak dapat ditindaklanjuti"),
}
REVIEW_LABELS = {
    "pending": _l("Menunggu verifikasi"),
    "accepted": _l("Diterima"),
    "returned": _l("Dikembalikan"),
    "superseded": _l("Diganti laporan baru"),
}


def labels() -> dict:
    """Names for templates, translated once per page: ``statuses`` for any item's badge
    (carried-over included), ``counted`` for the columns of counts (the five statuses that are
    counted), and ``row_text``, the words of an item's row in a list (filled in per row)."""
    return {
        "statuses": translated(ITEM_STATUS_LABELS),
        "counted": translated(STATUS_LABELS),
        "kinds": translated(KIND_LABELS),
        "reviews": translated(REVIEW_LABELS),
        "proposals": translated(PROPOSAL_LABELS),
        "row_text": {
            "pending": gettext("menunggu verifikasi · %(num)s%%"),
            "returned": gettext("Dikembalikan"),
            "continued": gettext("Dilanjutkan ke %(title)s"),
            "overdue": gettext("Lewat batas waktu"),
            "supported": gettext("didukung"),
            "due": gettext("batas %(date)s"),
            "progress": gettext("progres %(num)s%%"),
        },
    }


# The several-OPD type-ahead (app/static/sinergi.js, data-opd-several); without JavaScript a
# plain text field where the same text works.
SEVERAL_OPDS = _l(
    "Ketik kode atau nama lalu pilih dari daftar; bisa beberapa OPD, dipisah titik koma."
)


class QuickItemForm(Form):
    """Fast enough for the notulis to type live: title, lead OPD, due date; details later."""

    title = StringField(_l("Tindak lanjut"), validators=[DataRequired(), Length(max=300)])
    lead_opd = StringField(_l("OPD penanggung jawab"), validators=[DataRequired(), Length(max=260)])
    supporting_opds = StringField(
        _l("OPD pendukung"), validators=[Optional(), Length(max=4000)], description=SEVERAL_OPDS
    )
    due_on = DateField(_l("Batas waktu"), validators=[Optional()])
    session_id = SelectField(_l("Sesi"), coerce=int, validators=[Optional()], default=0)


class ItemForm(Form):
    title = StringField(_l("Tindak lanjut"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Jenis"), choices=choices(KIND_LABELS.items()))
    description = TextAreaField(_l("Uraian"), validators=[Optional()])
    lead_opd = StringField(_l("OPD penanggung jawab"), validators=[DataRequired(), Length(max=260)])
    supporting_opds = StringField(
        _l("OPD pendukung"), validators=[Optional(), Length(max=4000)], description=SEVERAL_OPDS
    )
    due_on = DateField(_l("Batas waktu"), validators=[Optional()])
    target = TextAreaField(_l("Target / indikator"), validators=[Optional()])
    priority_program_id = SelectField(_l("Program prioritas"), coerce=int, validators=[Optional()])
    pact_target_id = SelectField(_l("Target pakta integritas"), coerce=int, validators=[Optional()])
    # Choices per item: its status and where the organiser may take it (followup/lifecycle.py).
    status = SelectField(_l("Status"))


class UpdateForm(Form):
    progress = IntegerField(
        _l("Progres (%)"), validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    proposed_status = SelectField(
        _l("Status yang diusulkan"),
        choices=choices(PROPOSAL_LABELS.items()),
        default="dalam_proses",
    )
    narrative = TextAreaField(
        _l("Uraian tindak lanjut (alasan, bila tidak dapat ditindaklanjuti)"),
        validators=[Optional(), Length(max=5000)],
    )
    files = MultipleFileField(_l("Bukti dukung (PDF, JPG, PNG, XLSX, DOCX)"))


class ReviewForm(Form):
    decision = RadioField(
        _l("Hasil verifikasi"),
        choices=choices([("accept", _l("Terima")), ("return", _l("Kembalikan ke OPD"))]),
        validators=[DataRequired()],
    )
    # Choices per item (followup/lifecycle.py review_choices); preselected with the proposal.
    status = SelectField(_l("Status bila diterima"), choices=[], validate_choice=False)
    comment = TextAreaField(_l("Catatan verifikasi"), validators=[Optional(), Length(max=2000)])
