"""Documents sent to the browser: one way to answer with a PDF."""

from flask import Response


def pdf_response(body, filename: str, cache: str = "private, no-store") -> Response:
    """``body`` (bytes or a stream of them) shown in the browser's viewer as ``filename``;
    private by default: most documents carry names."""
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache
    return response
