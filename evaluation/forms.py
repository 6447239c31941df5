"""Evaluation forms: figures typed the Indonesian way ("56,6", "Rp1.250.000.000"), targets,
corrections, integrity-pact targets, the quarter a meeting discusses. (The assistance planner's
form is in evaluation/assistance/forms.py.)"""

from decimal import InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form
from evaluation.imports import parse_percent, parse_rupiah
from evaluation.models import QUARTERS


class PercentField(StringField):
    """A percentage 0–100 as typed: "56,6", "56.6" or "56,6%"; ``data`` is a Decimal."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_percent(valuelist[0])
            except (InvalidOperation, ValueError):
                raise ValueError(_("%(value)s bukan persen 0–100.", value=valuelist[0])) from None


class RupiahField(StringField):
    """Whole Rupiah as typed: "1.250.000.000", "Rp1.250.000.000" or "1250000000"."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_rupiah(valuelist[0])
            except (InvalidOperation, ValueError):
                raise ValueError(_("%(value)s bukan jumlah rupiah.", value=valuelist[0])) from None


def _target(quarter: int) -> PercentField:
    return PercentField(_l("Triwulan %(quarter)s (%%)", quarter=quarter), [InputRequired()])


class ImportForm(Form):
    file = FileField(_l("Berkas XLSX atau CSV"), validators=[FileRequired(_l("Pilih berkas."))])


class TargetsForm(Form):
    """The year's cumulative target per quarter, the threshold, the quarters shared with OPDs."""

    year = IntegerField(validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    target_1, target_2, target_3, target_4 = (_target(q) for q in QUARTERS)
    threshold = PercentField(_l("Ambang batas (%%)"), [InputRequired()])
    shared_1, shared_2, shared_3, shared_4 = (BooleanField() for _q in QUARTERS)

    def targets(self) -> dict:
        return {q: self[f"target_{q}"].data for q in QUARTERS}

    def shared(self) -> set[int]:
        return {q for q in QUARTERS if self[f"shared_{q}"].data}


class CorrectionForm(Form):
    """The organiser's correction of one OPD's quarter."""

    pagu = RupiahField(_l("Pagu"), [InputRequired()])
    realisasi_keuangan = RupiahField(_l("Realisasi"), [InputRequired()])
    realisasi_fisik = PercentField(_l("Fisik"), [InputRequired()])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PactTargetForm(Form):
    """A target an OPD head signed in the integrity pact, added on the OPD profile."""

    year = IntegerField(_l("Tahun"), [InputRequired(), NumberRange(min=2000, max=2100)])
    indicator = StringField(_l("Indikator"), [DataRequired(), Length(max=300)], filters=[_strip])
    target = StringField(_l("Target"), [DataRequired(), Length(max=100)], filters=[_strip])
    achieved = StringField(_l("Capaian"), [Optional(), Length(max=100)], filters=[_strip])
    sanction_note = StringField(_l("Catatan sanksi"), [Optional()], filters=[_strip])


class EventEvaluationForm(Form):
    """The quarter whose ranking a meeting discusses: one of the quarters with data."""

    quarter_choice = SelectField(_l("Peringkat yang dibahas"), [InputRequired()])

    def __init__(self, quarters, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter_choice.choices = [(f"{y}-{q}", f"{y} TW{q}") for y, q, _c in quarters]

    def chosen(self) -> tuple[int, int]:
        year, quarter = self.quarter_choice.data.split("-")
        return int(year), int(quarter)
