"""Security headers on every response, set in one place.

The Content-Security-Policy allows only the site's own files: no inline script, inline style or
on* attribute anywhere (templates use data-* attributes read by static/sinergi.js), so injected
markup cannot run. Personal pages (/p/<token>) send no Referer at all: their URL is the secret.
"""

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECRET_URL_BLUEPRINTS = {"personal"}


def init_app(app: Flask) -> None:
    hsts = app.config["SINERGI_ENV"] == "production"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        secret = request.blueprint in SECRET_URL_BLUEPRINTS
        headers["Referrer-Policy"] = "no-referrer" if secret else "strict-origin-when-cross-origin"
        if hsts:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
