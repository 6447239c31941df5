"""Installable, offline pages (the participant's pass, the check-in scanner): the web app
manifest and the service worker, one way for every page that needs them."""

from flask import Response, jsonify, render_template

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
