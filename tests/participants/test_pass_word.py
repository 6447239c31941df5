"""One word for the printed pass with the QR (issue 27): "pass" on every page that names it,
in Indonesian and in English; never "kartu", "badge" or "pass QR" beside it."""

import re
from html.parser import HTMLParser

import pytest

from app.timeutil import to_zone, utcnow

OTHER_WORDS = {
    "id": re.compile(r"\bkartu\b|\bbadge|\bpass QR\b", re.IGNORECASE),
    "en": re.compile(r"\bbadge|\bcard\b|\bQR pass\b", re.IGNORECASE),
}


class _Visible(HTMLParser):
    """The text a user reads or hears: text nodes, titles, labels and placeholders."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_calls_the_printed_qr_a_pass(
    lang, login_as, make_event, make_registration, make_session
):
    event = make_event("rakor-pass", title="Rakor", start=to_zone(utcnow()).date())
    registration = make_registration(event, status="confirmed")
    organiser = login_as("organiser")
    if lang == "en":
        organiser.submit("/language/en", {"next": "/"})
    pages = {
        "/attendance/": "Pindai pass" if lang == "id" else "Scan passes",
        f"/events/{event.slug}/scan/": "(tanpa pass)" if lang == "id" else "(no pass)",
        f"/manage/events/{event.slug}/registrations/": "Cetak semua pass"
        if lang == "id"
        else "Print all passes",
        f"/manage/events/{event.slug}/registrations/{registration.id}": "Ganti pass"
        if lang == "id"
        else "Replace pass",
        f"/p/{registration.link_token}/": "Pass masuk" if lang == "id" else "Entry pass",
    }
    for url, says in pages.items():
        response = organiser.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.get_data(as_text=True))
        assert says in text, url
        assert not OTHER_WORDS[lang].search(text), (url, OTHER_WORDS[lang].findall(text))


def test_the_scanner_says_a_replaced_pass_is_a_pass(login_as, make_event):
    event = make_event("rakor-scan", title="Rakor", start=to_zone(utcnow()).date())
    page = login_as("operator").get(f"/events/{event.slug}/scan/").get_data(as_text=True)
    assert "Pass dicabut" in page and "Kartu dicabut" not in page
