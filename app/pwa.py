"""Installable, offline pages (the participant's pass, the check-in scanner): the web app
manifest and the service worker, one way for every page that needs them."""

import os
import re
from functools import cache

from flask import Response, current_app, jsonify, render_template, url_for

THEME_COLOR = "#13315c"


def manifest_response(name: str, short_name: str, start_url: str, icon_url: str) -> Response:
    response = jsonify(
        {
            "name": name,
            "short_name": short_name,
            "start_url": start_url,
            "scope": start_url,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOR,
            "lang": "id",
            "icons": [{"src": icon_url, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


ICON_CSS = "vendor/bootstrap-icons/bootstrap-icons.min.css"


@cache
def _icon_font(static_folder: str) -> str | None:
    """The icon font's URL as the vendored stylesheet asks for it (its own ``?<digest>``)."""
    with open(os.path.join(static_folder, ICON_CSS), encoding="utf-8") as handle:
        found = re.search(r'url\("?(fonts/bootstrap-icons\.woff2\?[^")]+)', handle.read())
    return found.group(1) if found else None


def offline_assets(names) -> list[str]:
    """Versioned URLs of the static files ``names``; with the icon stylesheet also the font it
    loads (a browser asks only for the woff2), so icons such as the brand mark show offline."""
    urls = [url_for("static", filename=name) for name in names]
    if ICON_CSS in names:
        font = _icon_font(current_app.static_folder)
        if font:
            base = url_for("static", filename=ICON_CSS).split("?")[0].rsplit("/", 1)[0]
            urls.append(f"{base}/{font}")
    return urls


def worker_response(
    page_url: str, assets: list[str], cache_prefix: str, forget_when_gone: bool = False
) -> Response:
    """The service worker keeping ``page_url`` and ``assets`` (versioned static URLs)."""
    script = render_template(
        "offline_worker.js",
        page_url=page_url,
        assets=assets,
        cache_prefix=cache_prefix,
        forget_when_gone=forget_when_gone,
    )
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "private, no-cache"
    return response
