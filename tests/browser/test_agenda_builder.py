import re
from datetime import date

from playwright.sync_api import expect

from tests.browser.helpers import log_in


def test_organiser_adds_a_session_in_the_builder_and_sees_it_on_the_public_agenda(
    live_server, page, make_user, make_event, make_room, make_speaker, make_session
):
    organiser = make_user("organiser")
    event = make_event(
        slug="retret-asn",
        title="Retret Kepemimpinan ASN",
        start=date(2025, 5, 16),
        end=date(2025, 5, 18),
        status="draft",
    )
    make_room(event, "Aula Utama")
    make_speaker("Prof. Dr. Zudan Arif Fakrulloh", position="Kepala BKN")
    make_session(event, "08:00", "08:45", title="Apel pembukaan")

    page.goto(f"{live_server}/login?next=/manage/events/retret-asn/")
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Kata sandi").fill("correct horse battery")
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Retret Kepemimpinan ASN")).to_be_visible()

    page.get_by_role("link", name="Hari 2").click()
    page.get_by_role("link", name="Tambah sesi").click()
    page.get_by_label("Judul sesi").fill("Manajemen ASN dan sistem merit")
    expect(page.get_by_label("Hari")).to_have_value("2025-05-17")
    page.get_by_label("Mulai").fill("10:45")
    page.get_by_label("Jam selesai").fill("12:15")
    page.get_by_label("Ruang").select_option(label="Aula Utama")
    page.get_by_label("Narasumber 1").select_option(
        label="Prof. Dr. Zudan Arif Fakrulloh · Kepala BKN"
    )
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_text("Sesi Manajemen ASN dan sistem merit disimpan.")).to_be_visible()
    block = page.locator(".agenda-block", has_text="Manajemen ASN dan sistem merit")
    expect(block).to_contain_text("10.45–12.15 WIB")

    page.get_by_role("link", name="Terbitkan").click()
    page.get_by_role("main").get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_text("Susunan acara versi 1 diterbitkan.")).to_be_visible()

    # Anyone (no login) now sees it on the public agenda.
    public = page.context.browser.new_context(locale="id-ID").new_page()
    public.goto(f"{live_server}/events/retret-asn/")
    public.get_by_role("tab", name=re.compile(r"^Hari 2")).click()
    day_two = public.get_by_role("tabpanel", name=re.compile(r"^Hari 2"))
    expect(day_two.get_by_text("Manajemen ASN dan sistem merit")).to_be_visible()
    expect(day_two.get_by_text("Prof. Dr. Zudan Arif Fakrulloh")).to_be_visible()
    expect(day_two).to_contain_text("10.45–12.15 WIB")
    public.context.close()


def test_overlapping_sessions_sit_side_by_side_and_each_can_be_clicked_and_dragged(
    live_server, page, make_user, make_event, make_room, make_session
):
    organiser = make_user("organiser")
    event = make_event(slug="sm-tumpuk", title="Strategic Meeting", start=date(2025, 8, 4))
    aula = make_room(event, "Aula Utama")
    make_room(event, "Ruang Rapat Sekda")
    make_session(event, "09:00", "10:30", title="Paparan Bappeda", room=aula)
    make_session(event, "09:30", "10:00", title="Paparan BKD", room=aula)  # a conflict
    make_session(event, "11:00", "12:00", title="Diskusi", room=aula)

    log_in(page, live_server, organiser, "/manage/events/sm-tumpuk/")
    first = page.locator(".agenda-block", has_text="Paparan Bappeda")
    second = page.locator(".agenda-block", has_text="Paparan BKD")
    expect(first).to_contain_text("Bentrok")  # the conflict marker stays
    a, b = first.bounding_box(), second.bounding_box()
    assert a["x"] + a["width"] <= b["x"] + 1  # side by side, not on top of each other
    later = page.locator(".agenda-block", has_text="Diskusi").bounding_box()
    assert later["width"] > a["width"] * 1.5  # alone in its hour, it takes the whole room

    for title in ("Paparan Bappeda", "Paparan BKD"):
        page.locator(".agenda-block").get_by_role("link", name=title).click()
        expect(page.get_by_label("Judul sesi")).to_have_value(title)
        page.go_back()

    # Drag the lower one to the other room at 09.30: the conflict is gone.
    target = page.locator(".colhead", has_text="Ruang Rapat Sekda").bounding_box()
    slot = page.locator('.slot[data-time="09:30"]').bounding_box()
    second.hover()
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, slot["y"] + slot["height"] / 2, steps=8)
    page.mouse.up()
    expect(page.get_by_text("Sesi Paparan BKD dipindahkan.")).to_be_visible()
    expect(page.locator(".agenda-block.conflict")).to_have_count(0)
    moved = page.locator(".agenda-block", has_text="Paparan BKD").bounding_box()
    room = page.locator(".colhead", has_text="Ruang Rapat Sekda").bounding_box()
    assert room["x"] <= moved["x"] < room["x"] + room["width"]


SHOWN = """(flag) => {
  const owner = flag.closest(".agenda-block");
  // The window only: scrollIntoView would also scroll the block's own clipped content.
  window.scrollTo({ top: window.scrollY + owner.getBoundingClientRect().top - 200, behavior: "instant" });
  const block = owner.getBoundingClientRect();
  const box = flag.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return box.height > 0 && box.top >= block.top && box.bottom <= block.bottom + 0.5
    && box.left >= block.left && box.right <= block.right + 0.5 && flag.contains(hit);
}"""


def test_bentrok_is_visible_inside_a_30_minute_block(
    live_server, page, make_user, make_event, make_room, make_session, make_speaker
):
    """Issue 27: in a 30-minute block "Bentrok" sat below the cut (title, time and speakers
    fill the block first)."""
    event = make_event(slug="sm-sempit", title="Strategic Meeting", start=date(2025, 8, 4))
    aula = make_room(event, "Aula Utama")
    for name in ("Ruang Rapat Sekda", "Ruang Command Center"):
        make_room(event, name)  # narrow columns on an office laptop: titles wrap
    speaker = make_speaker("Dr. Ir. Bambang Sutrisno, M.T.")
    for title in ("Paparan Badan Perencanaan Pembangunan Daerah", "Paparan BKD"):
        make_session(event, "09:00", "09:30", title=title, room=aula, speakers=[speaker])
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page, live_server, make_user("organiser"), "/manage/events/sm-sempit/")
    flags = page.locator(".agenda-block .conflict-flag")
    expect(flags).to_have_count(2)
    for index in range(2):
        expect(flags.nth(index)).to_have_text("Bentrok")
        assert flags.nth(index).evaluate(SHOWN), index
