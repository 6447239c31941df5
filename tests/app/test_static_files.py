"""What a phone on a slow network gets: compressed text and static files it may keep."""

import gzip
import os
import re
import zlib

import brotli

BROWSER = {"Accept-Encoding": "gzip, deflate, br"}  # what Chromium on a phone sends


def _decode(response) -> bytes:
    decoders = {"gzip": gzip.decompress, "br": brotli.decompress, "deflate": zlib.decompress}
    return decoders[response.headers["Content-Encoding"]](response.data)


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_and_assets_are_compressed_for_browsers_that_accept_it(client):
    page = client.get("/login", headers=BROWSER)
    html = _decode(page).decode()
    assert "<form" in html
    css = [url for url in _static_urls(html) if "bootstrap.min.css" in url][0]
    asset = client.get(css, headers=BROWSER)
    assert len(asset.data) < 60_000  # 232 KB of CSS on the wire without compression
    assert b".btn" in _decode(asset)
    plain = client.get(css)  # a client that cannot decompress gets plain bytes
    assert "Content-Encoding" not in plain.headers and b".btn" in plain.data


def test_static_urls_carry_a_content_digest_and_are_kept_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    urls = _static_urls(html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls)
    response = client.get(urls[0])
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable


def test_a_new_file_content_gets_a_new_url(app, client):
    css = app.static_folder + "/sinergi.css"
    with open(css, "rb") as handle:
        original = handle.read()
    before = [
        u for u in _static_urls(client.get("/login").get_data(as_text=True)) if "sinergi.css" in u
    ]
    try:
        with open(css, "ab") as handle:
            handle.write(b"\n/* release 2 */\n")
        os.utime(css, (os.path.getatime(css), os.path.getmtime(css) + 5))
        after = [
            u
            for u in _static_urls(client.get("/login").get_data(as_text=True))
            if "sinergi.css" in u
        ]
    finally:
        with open(css, "wb") as handle:
            handle.write(original)
    assert before != after


def test_an_unversioned_static_url_is_revalidated(client):
    response = client.get("/static/sinergi.css")
    assert response.status_code == 200
    assert response.cache_control.no_cache
