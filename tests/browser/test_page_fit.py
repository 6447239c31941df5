"""Every page fits its screen (issue 27): generated from the URL map, for every role that may open
the page (the demo accounts), on an office monitor (1366×768, 1920×1080) and a phone (390×844), in
Bahasa Indonesia and English. Nothing scrolls sideways, and on every page with the site's top bar the
logout button is on screen (on the phone: after opening the one menu button, when it is not in the
bar itself). Print views have no bar; htmx fragments are not pages.

One browser, one context per role (each page measured at the three sizes by resizing it), one live
server; which pages a role may open is asked over HTTP first (200 and HTML), without rendering.
"""

from playwright.sync_api import expect
from sqlalchemy import update

from app.auth.models import User
from app.extensions import db, limiter
from tests.pages import PASSWORD, page_urls, seed_demo

SIZES = ((1366, 768), (1920, 1080), (390, 844))
LOGOUT = {"id": "Keluar", "en": "Log out"}
MENU = {"id": "Menu", "en": "Menu"}

# After two frames (charts follow a resize on the next one): the width of the document against the
# window, whether the page has the site's top bar, and the logout button's box (null when hidden).
MEASURE = """async (name) => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const logout = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === name);
  const box = logout && logout.getClientRects().length ? logout.getBoundingClientRect() : null;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    bar: document.querySelector('header nav') !== null,
    logout: box && {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
  };
}"""


def _on_screen(box, width, height) -> bool:
    return (
        box is not None and box["left"] >= 0 and box["right"] <= width and box["bottom"] <= height
    )


def _log_in(page, live_server, email):
    limiter.reset()  # five log-ins a minute is the production limit; this test logs in often
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)  # a new browser: the login page in Indonesian
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server}/")


def _openable(context, live_server, urls) -> list[str]:
    """The pages this context's user may open: 200 and an HTML document (not a fragment that
    htmx puts into a page), asked without rendering."""
    found = []
    for _endpoint, url in urls:
        response = context.request.get(live_server + url, max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers["content-type"]:
            continue
        if response.text().lstrip().lower().startswith("<!doctype html"):
            found.append(url)
    return found


def _check(page, live_server, url, lang, signed_in) -> list[str]:
    problems = []
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    page.goto(live_server + url, wait_until="domcontentloaded")  # styles are in by then
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        seen = page.evaluate(MEASURE, LOGOUT[lang])
        if seen["scrollWidth"] > seen["innerWidth"]:
            problems.append(f"{width}×{height}: {seen['scrollWidth']} px wide")
        if not (signed_in and seen["bar"]) or _on_screen(seen["logout"], width, height):
            continue
        menu = page.get_by_role("navigation").get_by_text(MENU[lang], exact=True)
        if width < 1200 and menu.count() == 1 and menu.is_visible():
            menu.click()
            opened = page.evaluate(MEASURE, LOGOUT[lang])
            menu.click()  # closed again for the next size
            if _on_screen(opened["logout"], width, height):
                continue
        problems.append(f"{width}×{height}: no logout on screen")
    return problems


def _check_role(browser, live_server, urls, email, lang, openable) -> dict[str, list[str]]:
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        if email:
            _log_in(page, live_server, email)
        elif lang == "en":
            page.goto(f"{live_server}/language/en")
        problems = {}
        if email not in openable:  # the same in both languages: asked once
            openable[email] = _openable(context, live_server, urls)
        for url in openable[email]:
            found = _check(page, live_server, url, lang, signed_in=bool(email))
            if found:
                problems[url] = found
        return problems
    finally:
        context.close()


def test_every_page_fits_every_screen_for_every_role_in_both_languages(app, live_server, browser):
    accounts = seed_demo()
    db.session.commit()
    opd_user = db.session.scalar(db.select(User).where(User.email == accounts["opd"]))
    urls = page_urls(app, opd_user.opd_id)
    assert len(urls) > 60  # the URL map, not a hand-picked list

    problems, openable = {}, {}
    for lang in ("id", "en"):
        db.session.execute(update(User).values(locale=lang))  # the account's own language
        db.session.commit()
        for role, email in {"anonymous": None, **accounts}.items():
            for url, found in _check_role(
                browser, live_server, urls, email, lang, openable
            ).items():
                problems[f"{lang} {role} {url}"] = found
    assert problems == {}, "\n".join(f"{page}: {'; '.join(p)}" for page, p in problems.items())


def test_the_phone_menu_opens_the_same_groups(live_server, browser):
    """On a phone the bar keeps the logout button and one menu button; the menu lists the groups
    of the organiser's desktop bar."""
    seed_demo()
    db.session.commit()
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    _log_in(page, live_server, "panitia@demo.test")
    groups = [
        "Rencana & undangan",
        "Kehadiran",
        "Tindak lanjut",
        "Evaluasi",
        "Data induk & administrasi",
    ]
    bar = page.locator("[data-nav-desktop]")
    expect(bar.locator(".nav-top")).to_have_text(groups)
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    expect(bar).to_be_hidden()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    page.get_by_role("navigation").get_by_text("Menu", exact=True).click()
    phone = page.locator("[data-nav-phone]")
    expect(phone).to_be_visible()
    assert phone.locator(".nav-phone-group").all_text_contents() == groups
    phone.get_by_role("link", name="Perangkat Daerah").click()
    expect(page.get_by_role("heading", name="Perangkat Daerah")).to_be_visible()
    context.close()
