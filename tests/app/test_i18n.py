"""Bahasa Indonesia is the source language; the English catalogue must be complete."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
METHODS = [
    ("app/**.py", "python"),
    ("agenda/**.py", "python"),
    ("participants/**.py", "python"),
    ("attendance/**.py", "python"),
    ("followup/**.py", "python"),
    ("evaluation/**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
    ("**/templates/**.ics", "jinja2"),
]


def _source_messages():
    found = {}
    for package in ("app", "agenda", "participants", "attendance", "followup", "evaluation"):
        directory = ROOT / package
        if not directory.exists():
            continue
        for filename, lineno, message, _comments, context in extract_from_dir(
            str(directory),
            method_map=[(p.split("/", 1)[1], m) for p, m in METHODS],
            keywords=KEYWORDS,
        ):
            key = message[0] if isinstance(message, tuple) else message
            found.setdefault((key, context), f"{package}/{filename}:{lineno}")
    return found


def test_every_user_visible_string_has_an_english_translation():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    missing = []
    for (msgid, context), where in _source_messages().items():
        message = catalog.get(msgid, context=context)
        text = message.string if message else None
        if isinstance(text, tuple):
            text = text[0]
        if not text or (message and message.fuzzy):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_every_translation_keeps_the_placeholders_of_its_message():
    """What `pybabel compile` checks: an English text that drops or changes a %(name)s or %s
    placeholder would fail at run time (or show the wrong value) on the page that uses it."""
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    problems = [
        f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors
    ]
    assert not problems, "\n".join(problems)
