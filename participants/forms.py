from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.auth.forms import EMAIL_PATTERN
from app.forms import Form, choices
from participants.models import (
    GOLONGAN,
    HEAD_CAPACITIES,
    PERSON_LEVELS,
    REGISTRATION_ROLES,
    REGISTRATION_STATUSES,
)
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


def valid_nip(form, field):
    """A NIP field's validator: 18 digits (spaces allowed) become the bare digits."""
    if field.data and field.data.strip():
        try:
            field.data = check_nip(field.data)
        except NipError as exc:
            raise ValidationError(str(exc)) from exc


CAPACITY_LABELS = {
    "definitif": _l("Kepala definitif"),
    "plt": _l("Plt. (Pelaksana Tugas)"),
    "plh": _l("Plh. (Pelaksana Harian)"),
}
assert set(CAPACITY_LABELS) == set(HEAD_CAPACITIES)


class PersonForm(Form):
    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Length(max=40), valid_nip],
        description=_l("18 digit, boleh dengan spasi. Kosongkan untuk tamu non-ASN."),
    )
    name = StringField(
        _l("Nama lengkap dengan gelar"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Contoh: Dr. Ir. Sopa Ike Paci, M.Si."),
    )
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    # No preselection: a level chosen by default once made a Kepala Seksi look like a head.
    level = SelectField(
        _l("Jenjang jabatan"),
        choices=choices([("", _l("— pilih jenjang —")), *LEVEL_LABELS.items()]),
        validators=[DataRequired(message=_l("Pilih jenjang jabatan."))],
    )
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


class ImportForm(Form):
    file = FileField(_l("Berkas (.xlsx atau .csv)"), validators=[FileRequired()])


# --- registrations ------------------------------------------------------------------------------

ROLE_LABELS = {
    "peserta": lazy_pgettext("peran", "Peserta"),
    "narasumber": lazy_pgettext("peran", "Narasumber"),
    "panitia": lazy_pgettext("peran", "Panitia"),
    "undangan": lazy_pgettext("peran", "Undangan"),
}
assert set(ROLE_LABELS) == set(REGISTRATION_ROLES)
REGISTRATION_STATUS_LABELS = {
    "invited": _l("Diundang"),
    "confirmed": _l("Akan hadir"),
    "declined": _l("Tidak hadir"),
    "delegated": _l("Diwakilkan"),
    "cancelled": _l("Dibatalkan"),
}
assert set(REGISTRATION_STATUS_LABELS) == set(REGISTRATION_STATUSES)
SETTABLE_STATUS_LABELS = {
    key: label for key, label in REGISTRATION_STATUS_LABELS.items() if key != "delegated"
}
INVITE_RULE_LABELS = {
    "heads": _l("Semua kepala perangkat daerah"),
    "camat_lurah": _l("Semua camat dan lurah"),
    "level": _l("Semua pejabat pada jenjang tertentu"),
}
ANSWER_LABELS = {
    "confirmed": _l("Hadir"),
    "declined": _l("Tidak hadir"),
    "delegated": _l("Diwakilkan"),
}


def _group_field():
    return StringField(
        _l("Kelompok"),
        validators=[Optional(), Length(max=60)],
        description=_l("Kelompok diskusi (sama dengan kelompok sesi). Kosongkan untuk semua."),
    )


class HeadForm(Form):
    """Who heads one OPD: a person of the OPD (or of its parent), or anyone by NIP."""

    person_id = SelectField(_l("Pejabat"), coerce=int, validators=[Optional()])
    nip = StringField(
        _l("atau NIP pejabat dari OPD lain"),
        validators=[Optional(), Length(max=40), valid_nip],
        description=_l("Untuk Plt./Plh. yang berasal dari OPD lain."),
    )
    capacity = RadioField(
        _l("Sebagai"), choices=choices(CAPACITY_LABELS.items()), default="definitif"
    )
    title = StringField(
        _l("Nama jabatan kepala"),
        validators=[Optional(), Length(max=200)],
        description=_l("Kosongkan untuk memakai nama baku, mis. “Kepala Dinas Kesehatan”."),
    )
    since = DateField(_l("Sejak"), validators=[Optional()])


class InviteForm(Form):
    role = SelectField(_l("Peran"), choices=choices(ROLE_LABELS.items()), default="peserta")
    group = _group_field()


class InvitePeopleForm(InviteForm):
    person_ids = SelectMultipleField(
        _l("Orang"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih minimal satu orang."))],
    )


class InviteOpdsForm(InviteForm):
    opd_ids = SelectMultipleField(
        _l("OPD"), coerce=int, validators=[DataRequired(message=_l("Pilih minimal satu OPD."))]
    )
    include_children = BooleanField(
        _l("Termasuk unit di bawahnya (mis. kelurahan di bawah kecamatan)"), default=True
    )


class InviteRuleForm(InviteForm):
    rule = RadioField(_l("Aturan"), choices=choices(INVITE_RULE_LABELS.items()), default="heads")
    level = SelectField(_l("Jenjang"), choices=choices(LEVEL_LABELS.items()), default="jpt_pratama")


class RegistrationForm(Form):
    role = SelectField(_l("Peran"), choices=choices(ROLE_LABELS.items()))
    group = _group_field()
    status = SelectField(_l("Status"), choices=choices(SETTABLE_STATUS_LABELS.items()))
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=2000)])


class DelegateForm(Form):
    """The delegate: a directory person (``person_id``) or a new person named here."""

    person_id = IntegerField(validators=[Optional()])
    name = StringField(_l("Nama wakil"), validators=[Length(max=200)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    opd_id = SelectField(_l("OPD"), coerce=int, validators=[Optional()])
    institution = StringField(_l("Instansi"), validators=[Optional(), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[
            Optional(),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Telepon"), validators=[Optional(), Length(max=40)])
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=500)])

    def validate_name(self, field):
        if not self.person_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Isi nama wakil atau pilih dari direktori."))


BULK_ACTIONS = {
    **{f"status:{key}": label for key, label in SETTABLE_STATUS_LABELS.items()},
    **{f"role:{key}": label for key, label in ROLE_LABELS.items()},
    "group": _l("Tetapkan kelompok"),
}


class BulkForm(Form):
    ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(_l("Tindakan"), choices=choices(BULK_ACTIONS.items()))
    group = StringField(_l("Kelompok"), validators=[Optional(), Length(max=60)])

    def validate_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Pilih minimal satu registrasi."))


class RsvpForm(Form):
    answer = RadioField(
        _l("Jawaban Anda"),
        choices=choices(ANSWER_LABELS.items()),
        validators=[DataRequired(message=_l("Pilih jawaban."))],
    )
    delegate_name = StringField(_l("Nama wakil"), validators=[Optional(), Length(max=200)])
    delegate_position = StringField(_l("Jabatan wakil"), validators=[Optional(), Length(max=200)])
    delegate_phone = StringField(_l("Telepon/WhatsApp"), validators=[Optional(), Length(max=40)])
    delegate_email = EmailField(
        _l("Email wakil"),
        validators=[
            Optional(),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
            Length(max=254),
        ],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.answer.data == "delegated":
            if not (self.delegate_name.data or "").strip():
                self.delegate_name.errors.append(_l("Nama wakil wajib diisi."))
                ok = False
            if (
                not (self.delegate_phone.data or "").strip()
                and not (self.delegate_email.data or "").strip()
            ):
                self.delegate_phone.errors.append(_l("Isi telepon atau email wakil."))
                ok = False
        return ok


class LetterForm(Form):
    number = StringField(
        _l("Nomor surat"),
        validators=[Optional(), Length(max=100)],
        description=_l("Contoh: 005/123/422.010/2025"),
    )
    nature = StringField(_l("Sifat"), validators=[Optional(), Length(max=50)])
    attachment = StringField(
        _l("Lampiran"),
        validators=[Optional(), Length(max=100)],
        description=_l("Untuk surat per OPD (berisi daftar undangan), mis. 1 (satu) berkas."),
    )
    subject = StringField(_l("Perihal"), validators=[DataRequired(), Length(max=200)])
    place = StringField(
        _l("Tempat surat"),
        validators=[Optional(), Length(max=100)],
        description=_l("Kota tempat surat dibuat, mis. Batu."),
    )
    letter_date = DateField(
        _l("Tanggal surat"),
        validators=[Optional()],
        description=_l("Kosongkan untuk memakai tanggal hari pencetakan."),
    )
    opening = TextAreaField(
        _l("Paragraf pembuka"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Kosongkan untuk teks baku \u201cDalam rangka pelaksanaan …\u201d."),
    )
    closing = TextAreaField(
        _l("Paragraf penutup"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Kosongkan untuk teks baku \u201cDemikian undangan ini …\u201d."),
    )
    dress_code = StringField(
        _l("Pakaian"),
        validators=[Optional(), Length(max=200)],
        description=_l("Mis. Batik lengan panjang. Kosongkan bila tidak perlu dicantumkan."),
    )
    signatory_position = TextAreaField(
        _l("Jabatan penanda tangan"),
        validators=[Optional(), Length(max=200)],
        description=_l("Satu baris per baris cetak, mis. a.n. WALI KOTA BATU / SEKRETARIS DAERAH"),
    )
    signatory_name = StringField(
        _l("Nama penanda tangan"), validators=[Optional(), Length(max=200)]
    )
    signatory_rank = StringField(
        _l("Pangkat"),
        validators=[Optional(), Length(max=200)],
        description=_l("Mis. Pembina Utama Muda (IV/c)"),
    )
    signatory_nip = StringField(
        _l("NIP penanda tangan"), validators=[Optional(), Length(max=40), valid_nip]
    )
