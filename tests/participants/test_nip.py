from datetime import date

import pytest

from participants.nip import NipError, format_nip, is_valid_nip, validate_nip

pytestmark = pytest.mark.usefixtures("request_ctx")  # messages come through Flask-Babel


def _error(raw, today=None) -> str:
    with pytest.raises(NipError) as caught:
        validate_nip(raw, today=today)
    return str(caught.value)


def test_a_valid_nip_is_accepted_with_spaces_or_dots_and_stored_as_digits():
    assert validate_nip("198609262015051001") == "198609262015051001"
    assert validate_nip("19860926 201505 1 001") == "198609262015051001"
    assert validate_nip(" 19860926.201505.2.001 ") == "198609262015052001"


def test_a_nip_is_shown_in_four_groups():
    assert format_nip("198609262015051001") == "19860926 201505 1 001"
    assert format_nip(None) == ""
    assert format_nip("12345") == "12345"  # not a NIP: shown as stored


def test_wrong_length_says_how_many_digits_were_given():
    message = _error("19860926201505100")
    assert "18 digit" in message and "17" in message
    assert "18 digit" in _error("1986092620150510011")


def test_letters_are_refused():
    assert "hanya boleh berisi angka" in _error("19860926201505100A")
    assert "hanya boleh berisi angka" in _error("1.98609E+17")


def test_impossible_or_implausible_birth_date_is_named():
    assert "Tanggal lahir" in _error("198602302015051001")  # 30 February
    assert "19860230" in _error("198602302015051001")
    assert "Tanggal lahir" in _error("193512012015051001")  # born 1935: too old
    assert "Tanggal lahir" in _error("201201012015051001")  # born 2012: too young


def test_bad_tmt_month_is_named():
    message = _error("198609262015131001")
    assert "TMT" in message and "bulan 13" in message


def test_tmt_before_the_age_of_17_is_refused():
    message = _error("198609262000051001")  # appointed in 2000, born 1986
    assert "TMT" in message and "17 tahun" in message
    assert is_valid_nip("198609262003051001")  # 2003 = 1986 + 17 is the earliest


def test_tmt_in_the_future_is_refused():
    message = _error("198609262026061001", today=date(2026, 5, 31))
    assert "TMT" in message and "belum terjadi" in message
    assert validate_nip("198609262026051001", today=date(2026, 5, 31))


def test_sex_digit_must_be_1_or_2():
    message = _error("198609262015053001")
    assert "jenis kelamin" in message and "digit ke-15" in message and "3" in message


def test_sequence_000_points_at_excel_rounding():
    message = _error("198609262015051000")
    assert "Nomor urut" in message and "Teks" in message
