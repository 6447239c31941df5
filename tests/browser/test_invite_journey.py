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


def test_the_delegates_link_can_be_copied_and_sent_by_whatsapp(
    live_server, browser, make_event, make_registration, make_person
):
    from urllib.parse import unquote

    from sqlalchemy import select

    from app.extensions import db
    from participants.models import Registration

    event = make_event("rakor-wakil", title="Rakor Wakil", status="published")
    head = make_registration(event, make_person("Drs. Agus Santoso"), status="invited")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/p/{head.link_token}/")
    page.get_by_label("Diwakilkan").check()
    page.get_by_label("Nama wakil").fill("Rina Kusuma, S.E.")
    page.get_by_label("Telepon/WhatsApp").fill("0812-3456-7890")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#delegated")).to_contain_text("Rina Kusuma, S.E.")

    db.session.expire_all()
    delegate = db.session.scalar(select(Registration).where(Registration.delegate_of_id == head.id))
    link = f"{live_server}/p/{delegate.link_token}/"
    page.get_by_role("button", name="Salin tautan").click()
    expect(page.get_by_role("button", name="Tersalin")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    whatsapp = page.get_by_role("link", name="Kirim lewat WhatsApp").get_attribute("href")
    assert whatsapp.startswith("https://wa.me/6281234567890?text=")
    text = unquote(whatsapp.split("?text=", 1)[1])
    assert (
        text.startswith("Yth. Bapak/Ibu Rina Kusuma, S.E.,")
        and f"/p/{delegate.link_token}/" in text
    )
    context.close()


LABELS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
  const doubled = ids.filter((id, i) => ids.indexOf(id) !== i);
  const stray = [...document.querySelectorAll("label[for]")]
    .filter((label) => !label.control || label.control.id !== label.htmlFor)
    .map((label) => label.htmlFor);
  return { doubled, stray };
}"""


def test_every_label_on_the_invite_page_points_at_its_own_control(
    live_server, browser, make_user, make_event
):
    """Issue 27: a radio button and the "Jenjang" select shared the id rule-level."""
    make_event("rakor-undang", title="Rakor")
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(
        page,
        live_server,
        make_user("organiser"),
        "/manage/events/rakor-undang/registrations/invite",
    )
    assert page.evaluate(LABELS) == {"doubled": [], "stray": []}
    level = page.get_by_label("Jenjang", exact=True)  # the label names the select …
    expect(level).to_have_js_property("tagName", "SELECT")
    level.select_option(index=1)
    page.locator("label[for='rule-choice-level']").click()  # … and the radio its own
    expect(page.locator("#rule-choice-level")).to_be_checked()
    context.close()
