"""The assistance planner's form: which quarter, which OPDs and experts, which period."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, NumberRange, Optional

from app.forms import Form
from evaluation.models import QUARTERS


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
