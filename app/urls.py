"""Redirect targets from user input (``next``): same-site paths only; links to many rows."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Browsers drop tabs and newlines and read "/\\" like "//", so those are refused too.
    """
    if target:
        cleaned = "".join(ch for ch in target if ch not in "\t\r\n")
        parts = urlsplit(cleaned)
        if (
            cleaned.startswith("/")
            and not cleaned.startswith(("//", "/\\"))
            and not parts.scheme
            and not parts.netloc
        ):
            return cleaned
    return fallback


def redirect_back(fallback: str):
    """After a POST: back to the page that posted (its ``next`` field), else to ``fallback``."""
    return redirect(safe_next(request.form.get("next"), fallback))


_MARKER = 987654321


def id_url(endpoint: str, id_arg: str, **values) -> tuple[str, str]:
    """``url_for(endpoint, **values, id_arg=id)`` as the text before and after the id, from one
    ``url_for``: a list page links hundreds of rows, and building each URL (or even calling a
    function per row in a template) costs more than printing head, id and tail."""
    head, tail = url_for(endpoint, **values, **{id_arg: _MARKER}).rsplit(str(_MARKER), 1)
    return head, tail
