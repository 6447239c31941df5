import os
from functools import lru_cache

from babel import support
from flask import abort
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.i18n import locale_name

TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "translations")


class ActionForm(FlaskForm):
    """An empty form: a CSRF-protected POST for action buttons (deactivate, publish …)."""


def require_csrf() -> None:
    """A button's POST without a valid CSRF token goes no further (400)."""
    if not ActionForm().validate_on_submit():
        abort(400)


def choices(pairs) -> list[SelectChoice]:
    """Options for a SelectField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class _WTFormsMessages:
    """WTForms' own messages ("This field is required.") in the request's language.

    WTForms ships no Indonesian catalogue, so ours lives in app/translations (domain wtforms).
    """

    @staticmethod
    def _catalog():
        return _wtforms_catalog(locale_name())

    def gettext(self, string):
        return self._catalog().ugettext(string)

    def ngettext(self, singular, plural, n):
        return self._catalog().ungettext(singular, plural, n)


@lru_cache(maxsize=8)
def _wtforms_catalog(locale: str):
    return support.Translations.load(TRANSLATIONS_DIR, [locale], domain="wtforms")


class Form(FlaskForm):
    """The base of every form: CSRF (Flask-WTF) and messages in the user's language."""

    class Meta:
        def get_translations(self, form):
            return _WTFormsMessages()

    def first_error(self) -> str | None:
        """The first field's first error as "Label: message" (the message alone for a field
        labelled ""), for a form answered with a flash."""
        for field in self:
            if field.errors:
                label = field.label.text if field.label else field.name
                return f"{label}: {field.errors[0]}" if label else str(field.errors[0])
        return None
