from datetime import date, datetime

from babel.numbers import format_currency, format_decimal, format_percent
from flask_babel import force_locale
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.formatting import (
    datetime_in_zone,
    long_date,
    number,
    percent,
    rupiah,
    short_date,
    time_in_zone,
)
from evaluation.documents import points


def test_indonesian_formats(app):
    with app.test_request_context():
        assert long_date(date(2025, 8, 4)) == "Senin, 4 Agustus 2025"
        # Stored UTC 02:30 is 09.30 in Jakarta, 10.30 in Makassar, 11.30 in Jayapura.
        stored = datetime(2025, 8, 4, 2, 30)
        assert time_in_zone(stored) == "09.30 WIB"
        assert time_in_zone(stored, "Asia/Makassar") == "10.30 WITA"
        assert time_in_zone(stored, "Asia/Jayapura") == "11.30 WIT"
        assert percent(56.6) == "56,6%"
        assert percent(100, digits=0) == "100%"
        assert rupiah(1234567) == "Rp1.234.567"
        assert number(1234567) == "1.234.567"
        assert datetime_in_zone(stored) == "4 Agu 2025 09.30 WIB"


def test_date_is_taken_in_the_event_zone_not_utc(app):
    with app.test_request_context():
        # 18:00 UTC on 3 August is already Monday 4 August in Jakarta.
        assert long_date(datetime(2025, 8, 3, 18, 0)) == "Senin, 4 Agustus 2025"


def test_english_formats_follow_the_chosen_language(app):
    with app.test_request_context(), force_locale("en"):
        assert long_date(date(2025, 8, 4)) == "Monday, 4 August 2025"
        assert percent(56.6) == "56.6%"


def test_a_date_formatted_once_in_one_language_is_not_reused_in_the_other(app):
    # Dates are formatted once per (day, pattern, language) and kept: the language is part of it.
    with app.test_request_context():
        assert short_date(date(2025, 8, 4)) == "4 Agu 2025"
        with force_locale("en"):
            assert short_date(date(2025, 8, 4)) == "4 Aug 2025"
            assert long_date(date(2025, 8, 4)) == "Monday, 4 August 2025"
        assert short_date(date(2025, 8, 4)) == "4 Agu 2025"
        assert long_date(date(2025, 8, 4)) == "Senin, 4 Agustus 2025"


def test_missing_values_show_a_dash(app):
    with app.test_request_context():
        assert percent(None) == "–" and rupiah(None) == "–" and long_date(None) == ""


@settings(max_examples=300, deadline=None)
@example(value=-0.0, amount=0, language="id")
@example(value=-0.04, amount=-1, language="id")
@example(value=2.675, amount=10**13, language="en")
@example(value=1e-7, amount=999, language="id")
@example(value=999.95, amount=-1000, language="en")
@given(
    value=st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    amount=st.integers(min_value=-(10**13), max_value=10**13),
    language=st.sampled_from(["id", "en"]),
)
def test_figures_read_as_babel_writes_them(app, value, amount, language):
    """Percentages, points and rupiah (patterns parsed once per process) are the very text
    Babel's own formatters give, in either language, rounding included."""
    with app.test_request_context(), force_locale(language):
        assert percent(value) == format_percent(value / 100, "#,##0.0%", locale=language)
        assert percent(value, digits=0) == format_percent(value / 100, "#,##0%", locale=language)
        assert points(value) == format_decimal(value, "+#,##0.0;-#,##0.0", locale=language)
        assert rupiah(amount) == format_currency(
            amount, "IDR", format="¤#,##0", currency_digits=False, locale=language
        )
