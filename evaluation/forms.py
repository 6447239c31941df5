"""Evaluation forms: figures typed the Indonesian way ("56,6", "Rp1.250.000.000"), targets,
corrections and the assistance planner."""

from decimal import InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

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


class AssistanceForm(Form):
    """The planner: which quarter, which OPDs and experts, which period, propose or create.

    The per-OPD choices of an adjusted proposal (``slot_<opd id>``, ``expert_<opd id>``) are
    as many as the OPDs chosen; the service reads them (``assistance.adjusted``)."""

    year = IntegerField(validators=[Optional(), NumberRange(min=2000, max=2100)])
    quarter = IntegerField(validators=[Optional(), AnyOf(QUARTERS)])
    lowest = IntegerField(_l("Pilih N OPD terendah"), [Optional(), NumberRange(min=1, max=999)])
    opd_ids = SelectMultipleField(coerce=int, validate_choice=False)
    expert_ids = SelectMultipleField(coerce=int, validate_choice=False)
    person_ids = SelectMultipleField(coerce=int, validate_choice=False)
    start = DateField(_l("Mulai"), validators=[Optional()])
    end = DateField(_l("Selesai"), validators=[Optional()])
    action = StringField(validators=[Optional(), AnyOf(("propose", "create"))])

    def first_error(self) -> str | None:
        for field in self:
            if field.errors:
                label = field.label.text if field.label and field.label.text else field.name
                return f"{label}: {field.errors[0]}"
        return None
