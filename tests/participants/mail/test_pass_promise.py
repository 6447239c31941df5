"""The invitation says what the personal page does (issue 27): the pass (QR) shows there after
the participant answers "Hadir", not before."""

from participants.facts import event_facts
from participants.mail import whatsapp
from participants.mail.compose import compose_invitation

from .conftest import publish

AFTER_HADIR = 'setelah Anda menjawab "Hadir", pass masuk (kode QR)'


def test_the_invitation_and_the_personal_page_agree_on_when_the_pass_shows(
    mail_config, meeting, make_person, make_registration, client, request_ctx
):
    publish(meeting)
    ayu = make_registration(meeting, make_person("Ayu Lestari", email="ayu@batukota.example"))
    invitation = compose_invitation(ayu, event_facts(meeting)).body
    text = whatsapp.whatsapp_text(ayu)
    for message in (invitation, text):
        assert AFTER_HADIR in " ".join(message.split())
        assert "tanda masuk" not in message

    page = client.get(f"/p/{ayu.link_token}/").get_data(as_text=True)
    assert 'id="pass"' not in page  # no pass before the answer …
    assert "Pass masuk (kode QR) Anda tampil di halaman ini setelah Anda menjawab" in page
    client.submit(f"/p/{ayu.link_token}/rsvp", {"answer": "confirmed"})
    page = client.get(f"/p/{ayu.link_token}/").get_data(as_text=True)
    assert 'id="pass"' in page and 'id="pass-after-answer"' not in page  # … and after it
