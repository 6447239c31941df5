"""Forms of the meeting pages: minutes, the carry-over page (carry or close the previous
meeting's open items; the evaluation session), the import of a meeting's decisions."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from app.formatting import long_date
from app.forms import Form, choices


class NoteForm(Form):
    session_id = IntegerField(validators=[InputRequired()])
    text = TextAreaField(_l("Notulen"), validators=[Optional(), Length(max=20000)])


class EvaluationSessionForm(Form):
    """The "Evaluasi tindak lanjut" session: one of the event's days, from and to."""

    day = SelectField(_l("Hari"), validators=[DataRequired()])
    start_time = TimeField(_l("Mulai"), validators=[DataRequired()])
    end_time = TimeField(_l("Selesai"), validators=[DataRequired()])

    @classmethod
    def for_event(cls, event, **kwargs):
        form = cls(**kwargs)
        form.day.choices = choices((d.isoformat(), long_date(d)) for d in event.days)
        return form

    def day_date(self) -> date:
        return date.fromisoformat(self.day.data)


class CarryOverForm(Form):
    """The previous meeting's open items to carry over or to close. A new due date for all
    (empty: the proposed one) and one per item (``due_on_<item id>``, added by ``for_items``)."""

    # Unlabelled: their messages say it all.
    action = StringField("", [AnyOf(("carry", "close"), message=_l("Lanjutkan atau tutup"))])
    item_ids = SelectMultipleField(
        "",
        coerce=int,
        validators=[DataRequired(message=_l("Pilih tindak lanjut terlebih dahulu."))],
    )
    due_on = DateField(_l("Batas waktu baru"), validators=[Optional()])
    close_status = StringField()  # checked by the service (closing rules are the lifecycle's)

    @classmethod
    def for_items(cls, items, **kwargs):
        """The form for these open items: each may be picked and may get its own date."""

        class ForItems(cls):
            pass

        for item in items:
            field = DateField(_l("Batas waktu khusus"), validators=[Optional()])
            setattr(ForItems, f"due_on_{item.id}", field)
        form = ForItems(**kwargs)
        form.items = items
        form.item_ids.choices = [(item.id, item.title) for item in items]
        return form

    def picked(self) -> list:
        chosen = set(self.item_ids.data or ())
        return [item for item in self.items if item.id in chosen]

    def due_per_item(self) -> dict[int, date | None]:
        return {item.id: self[f"due_on_{item.id}"].data for item in self.picked()}


class ImportForm(Form):
    file = FileField(
        _l("Berkas XLSX atau CSV"), validators=[FileRequired(message=_l("Pilih berkas."))]
    )
