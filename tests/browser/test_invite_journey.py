"""Plan → invite, the rough edges the walkthrough found (issue 27), in real Chromium."""

from email.message import EmailMessage

from playwright.sync_api import expect

from participants.mail import mailbox
from tests.browser.helpers import log_in

LETTER = """Yth. Ayu Lestari,

Dengan hormat, kami mengundang Bapak/Ibu pada Strategic Meeting Triwulan III.

Agenda dan konfirmasi kehadiran:
https://sinergi.example/p/abc/

Hormat kami,
Panitia"""


def test_the_local_mailbox_shows_the_mail_with_its_line_breaks(
    app, live_server, browser, make_user, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path / "mail"))
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "Undangan", "panitia@batu.example", "ayu@x.example"
    mail.set_content(LETTER)
    name = mailbox.write_mail(mail)

    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, make_user("organiser"), f"/manage/outbox/mailbox/{name}")
    body = page.locator("pre.mail-text")
    expect(body).to_be_visible()
    shown = body.inner_text()  # as rendered: collapsed white space would lose the lines
    assert shown.strip().splitlines() == LETTER.splitlines()
    context.close()
