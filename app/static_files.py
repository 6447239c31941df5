"""Static files under content-versioned URLs, so browsers keep them for a year.

``url_for("static", filename=…)`` adds ``?v=<digest of the file>``: a new release changes the
URL and is fetched at once, and until then nothing is revalidated on each page view (on a slow
phone network every revalidation is a round trip before the page can paint).
"""

import hashlib
import os

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    digests: dict[tuple[str, float], str] = {}

    def digest(filename: str) -> str | None:
        path = os.path.join(app.static_folder, filename)
        try:
            key = (filename, os.path.getmtime(path))
        except OSError:
            return None  # a missing file: leave the URL alone and let it answer 404
        if key not in digests:
            with open(path, "rb") as handle:
                digests[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
        return digests[key]

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = digest(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            # Every URL the pages use carries a content digest (ours ?v=, Bootstrap Icons'
            # fonts their own), so a versioned URL never changes content.
            if request.query_string:
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
                response.cache_control.no_cache = None
            else:
                response.cache_control.no_cache = True
        return response
