"""The outbox's progress bar in real Chromium under the real CSP: after one click on
"Kirim antrean" the page follows the background worker (htmx polling) and shows the end of the
run without a reload."""

from playwright.sync_api import expect

from app.extensions import db
from participants.mail import outbox
from tests.browser.helpers import log_in
from tests.participants.mail.conftest import publish


def test_the_progress_bar_follows_the_worker_until_every_message_is_sent(
    live_server,
    browser,
    app,
    gated_smtp,
    workers,
    make_user,
    make_event,
    make_person,
    make_registration,
):
    meeting = make_event("sm-tw3", title="Strategic Meeting Triwulan III")
    server = gated_smtp(gate=1)  # the first message waits at the server until released
    for n in range(6):
        make_registration(meeting, make_person(email=f"peserta{n}@batukota.example"))
    publish(meeting)
    outbox.queue_invitations(meeting)
    db.session.commit()
    organiser = make_user("organiser")
    page = browser.new_page()
    log_in(page, live_server, organiser, "/manage/events/sm-tw3/outbox")
    page.get_by_role("button", name="Kirim antrean (6 menunggu)").click()
    progress = page.locator("#outbox-progress")
    expect(page.get_by_text("6 email diserahkan ke pengirim latar belakang")).to_be_visible()
    expect(progress).to_contain_text("terkirim 0 dari 6")
    expect(progress).to_have_attribute("data-outbox-progress", "running")

    workers()
    assert server.reached.wait(60)
    server.release.set()
    # No reload: htmx swaps the fragment until the run is over, then stops asking.
    expect(progress).to_contain_text("Pengiriman terakhir selesai", timeout=60_000)
    expect(progress).to_contain_text("terkirim 6 dari 6")
    expect(progress.locator("progress")).to_have_attribute("value", "6")
    assert len(server.messages) == 6
    page.close()
