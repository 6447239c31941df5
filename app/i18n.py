"""The request's language, looked up once per request and locale.

Flask-Babel finds the locale and its catalogue afresh on every ``_()`` (about 20 µs), and a
list page of a hundred rows calls it hundreds of times; Babel's formatters also re-parse a
locale given by name. These helpers keep what Flask-Babel chose, per locale, so
``force_locale`` (mail in the recipient's language) still switches both.
"""

from babel import Locale
from flask import g
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations

DEFAULT_LOCALE = Locale.parse("id")


def current_locale() -> Locale:
    """The Babel locale of this request (Bahasa Indonesia outside one)."""
    # Where Flask-Babel keeps the locale it chose (or the one force_locale set), read without
    # its three trips through the ``g`` proxy: a ranking formats ~250 numbers, each asking.
    # Anything unexpected (not chosen yet, another Flask-Babel) goes the documented way.
    context = _cv_app.get(None)
    chosen = (
        getattr(getattr(context.g, "_flask_babel", None), "babel_locale", None) if context else None
    )
    return chosen or get_locale() or DEFAULT_LOCALE


def locale_name() -> str:
    """'id' or 'en': the request's language as a cache key or a catalogue name."""
    return str(current_locale())


def translations():
    """The catalogue of the current locale, resolved once per request and locale."""
    locale = current_locale()
    cached = g.get("_sinergi_translations")
    if cached is None or cached[0] is not locale:
        cached = g._sinergi_translations = (locale, get_translations())
    return cached[1]


def init_app(app) -> None:
    """Templates' ``_()``/``ngettext()`` through the per-request catalogue (as Flask-Babel
    installs them, only cheaper)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def translated(labels: dict) -> dict:
    """``labels`` (lazy strings) in the request's language, translated once: a lazy label
    looks up the catalogue again every time a row prints it."""
    return {key: str(label) for key, label in labels.items()}
