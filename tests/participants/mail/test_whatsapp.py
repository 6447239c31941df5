"""WhatsApp texts (participants/mail/whatsapp.py): a copyable text with the participant's own
link and nobody else's data, and a wa.me link from an Indonesian phone number."""

import pytest

from participants import facts
from participants.mail import whatsapp
from tests.participants.fixtures import BASE

from .conftest import publish


def test_whatsapp_text_has_the_personal_link_and_nobody_elses_data(
    mail_config, meeting, make_person, make_registration, request_ctx
):
    publish(meeting)
    ayu = make_registration(
        meeting, make_person("Ayu Lestari", email="ayu@batukota.example", phone="0812-3456-7890")
    )
    budi = make_registration(
        meeting, make_person("Budi Santoso", email="budi@batukota.example", phone="0813 1111 2222")
    )
    text = whatsapp.whatsapp_text(ayu)
    assert text.startswith("Yth. Bapak/Ibu Ayu Lestari,")
    assert f"{BASE}/p/{ayu.link_token}/" in text
    assert "Strategic Meeting Triwulan III" in text and "Senin, 4 Agustus 2025" in text
    assert "Balai Kota Among Tani" in text and "08.00 WIB" in text
    assert "konfirmasi kehadiran" in text
    for other in ("Budi", budi.link_token, "budi@", "1111", "ayu@batukota", ayu.pass_token):
        assert other not in text


def test_whatsapp_page_has_a_copyable_text_and_wa_me_link_per_participant(
    mail_config, meeting, make_person, make_registration, login_as
):
    ayu = make_registration(meeting, make_person("Ayu Lestari", phone="+62 812-3456-7890"))
    make_registration(meeting, make_person("Tanpa Telepon", phone=""))
    make_registration(meeting, make_person("Sudah Menolak"), status="declined")
    page = login_as("organiser").get("/manage/events/sm-tw3/whatsapp").get_data(as_text=True)
    assert f'id="wa-{ayu.id}"' in page and f"{BASE}/p/{ayu.link_token}/" in page
    assert "https://wa.me/6281234567890?text=Yth.%20Bapak%2FIbu%20Ayu%20Lestari" in page
    assert "Nomor WhatsApp belum tercatat" in page  # Tanpa Telepon
    assert "Sudah Menolak" not in page
    assert 'data-copy="wa-' in page


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("812345678901", "62812345678901"),
        ("(0341) 512345", "62341512345"),
        ("12345", None),
        ("", None),
        ("+1 202 555 0100", None),
    ],
)
def test_phone_numbers_become_wa_me_numbers(raw, expected):
    assert whatsapp.wa_number(raw) == expected


def test_personal_link_uses_the_request_host_without_base_url(
    app, meeting, make_person, make_registration
):
    registration = make_registration(meeting, make_person())
    saved = app.config.get("BASE_URL")
    app.config["BASE_URL"] = ""
    try:
        with app.test_request_context("/", base_url="https://panitia.example"):
            url = facts.personal_url(registration)
    finally:
        app.config["BASE_URL"] = saved
    assert url == f"https://panitia.example/p/{registration.link_token}/"
