"""The mail commands (participants/mail/cli.py): reminders for events starting soon, once,
and sending what is queued."""

from datetime import timedelta

from app.extensions import db
from app.timeutil import utcnow
from participants.mail import cli, outbox


def test_cli_reminds_events_starting_soon_once_and_sends_the_queue(
    smtp_server, app, make_event, make_person, make_registration
):
    today = utcnow().date()
    soon = make_event("besok", start=today + timedelta(days=1), title="Rakor Besok")
    later = make_event("bulan-depan", start=today + timedelta(days=30))
    make_registration(soon, make_person(email="soon@batukota.example"))
    make_registration(later, make_person(email="later@batukota.example"))
    runner = app.test_cli_runner()

    result = runner.invoke(cli.mail_cli, ["remind", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "besok: 1 pengingat diantrekan." in result.output
    assert [m["To"] for m in smtp_server.messages] == ["soon@batukota.example"]

    again = runner.invoke(cli.mail_cli, ["remind", "--days", "3"])
    assert "besok: 0 pengingat diantrekan." in again.output
    assert len(smtp_server.messages) == 1


def test_cli_sends_what_is_queued(smtp_server, app, meeting, make_person, make_registration):
    for n in range(3):
        make_registration(meeting, make_person(email=f"q{n}@batukota.example"))
    outbox.queue_invitations(meeting)
    db.session.commit()
    result = app.test_cli_runner().invoke(cli.mail_cli, ["send-queued"])
    assert result.exit_code == 0, result.output
    assert "Terkirim 3, gagal 0, masih dalam antrean 0." in result.output
    assert len(smtp_server.messages) == 3
