import wtforms
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.forms import Form, choices

EVENT_KIND_LABELS = {
    "strategic_meeting": _l("Strategic Meeting"),
    "rapat_koordinasi": _l("Rapat Koordinasi"),
    "retret": _l("Retret"),
    "capacity_building": _l("Capacity Building"),
    "asistensi": _l("Asistensi"),
}
SESSION_KIND_LABELS = {
    "plenary": _l("Pleno"),
    "breakout": _l("Kelompok (breakout)"),
    "ceremony": _l("Upacara / apel"),
    "break": _l("Istirahat"),
    "field": _l("Kegiatan lapangan / outbound"),
    "discussion": _l("Diskusi"),
}
SPEAKER_ROLE_LABELS = {
    "narasumber": lazy_pgettext("peran", "Narasumber"),
    "moderator": _l("Moderator"),
    "mc": _l("MC"),
    "pemateri": _l("Pemateri"),
}
ZONE_LABELS = {
    "Asia/Jakarta": _l("WIB (Asia/Jakarta)"),
    "Asia/Makassar": _l("WITA (Asia/Makassar)"),
    "Asia/Jayapura": _l("WIT (Asia/Jayapura)"),
}
STATUS_LABELS = {"draft": _l("Draf"), "published": _l("Terbit"), "closed": _l("Selesai")}
SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Huruf kecil, angka dan tanda hubung saja.")
)


class EventForm(Form):
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Alamat singkat (slug)"),
        validators=[Optional(), Length(max=80), SLUG],
        description=_l(
            "Dipakai di tautan, mis. strategic-meeting-iii-2025. Kosongkan untuk dibuat dari judul."
        ),
    )
    kind = SelectField(_l("Jenis acara"), choices=choices(EVENT_KIND_LABELS.items()))
    series = StringField(
        _l("Seri"),
        validators=[Optional(), Length(max=200)],
        description=_l("Mis. Strategic Meeting 2025 (opsional)."),
    )
    start_date = DateField(_l("Tanggal mulai"), validators=[DataRequired()])
    end_date = DateField(_l("Tanggal selesai"), validators=[DataRequired()])
    timezone = SelectField(_l("Zona waktu"), choices=choices(ZONE_LABELS.items()))
    venue = StringField(_l("Tempat"), validators=[Optional(), Length(max=200)])
    organiser_opd_id = SelectField(_l("OPD penyelenggara"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("Keterangan"), validators=[Optional()])

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        if self.start_date.data and field.data and (field.data - self.start_date.data).days > 30:
            raise ValidationError(_l("Acara paling lama 31 hari."))


class RoomForm(Form):
    name = StringField(_l("Nama ruang"), validators=[DataRequired(), Length(max=120)])
    capacity = IntegerField(
        _l("Kapasitas"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    position = IntegerField(_l("Urutan"), default=0, validators=[Optional()])


class SpeakerForm(Form):
    name = StringField(_l("Nama dan gelar"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    institution = StringField(_l("Instansi"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("Profil singkat"), validators=[Optional()])


class SpeakerRow(wtforms.Form):  # a row inside SessionForm (no CSRF of its own)
    speaker_id = SelectField(_l("Narasumber"), coerce=int, default=0, validators=[Optional()])
    role = SelectField(
        _l("Peran"), choices=choices(SPEAKER_ROLE_LABELS.items()), default="narasumber"
    )


class SessionForm(Form):
    title = StringField(_l("Judul sesi"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Jenis sesi"), choices=choices(SESSION_KIND_LABELS.items()))
    day = SelectField(_l("Hari"), validators=[DataRequired()])
    start_time = TimeField(_l("Mulai"), validators=[DataRequired()])
    end_time = TimeField(
        _l("Jam selesai"),
        validators=[DataRequired()],
        description=_l("Jika lebih awal dari jam mulai, sesi berakhir keesokan harinya."),
    )
    room_id = SelectField(_l("Ruang"), coerce=int, validators=[Optional()])
    track = StringField(
        _l("Kelompok / jalur"),
        validators=[Optional(), Length(max=60)],
        description=_l("Kosongkan bila untuk semua peserta."),
    )
    takes_attendance = BooleanField(_l("Presensi diambil di sesi ini"))
    late_after_minutes = IntegerField(
        _l("Terlambat setelah (menit)"),
        default=15,
        validators=[Optional(), NumberRange(min=0, max=240)],
        description=_l("Hadir lebih dari sekian menit setelah sesi mulai dicatat terlambat."),
    )
    description = TextAreaField(_l("Keterangan"), validators=[Optional()])
    speakers = FieldList(FormField(SpeakerRow), min_entries=3, max_entries=12)

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data == self.start_time.data:
            raise ValidationError(_l("Jam selesai harus berbeda dari jam mulai."))


class MoveForm(Form):
    day = SelectField(_l("Hari"), validators=[DataRequired()])
    start_time = TimeField(_l("Mulai baru"), validators=[DataRequired()])
    room_id = SelectField(_l("Ruang"), coerce=int, validators=[Optional()])


class PublishForm(Form):
    note = StringField(_l("Catatan versi"), validators=[Optional(), Length(max=500)])
    confirm_conflicts = BooleanField(_l("Saya tahu ada bentrok jadwal dan tetap menerbitkan"))


class CopyForm(Form):
    title = StringField(_l("Judul acara baru"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Alamat singkat (slug)"), validators=[Optional(), Length(max=80), SLUG])
    start_date = DateField(_l("Tanggal mulai baru"), validators=[DataRequired()])
