"""Redirect targets from user input (``next``): same-site paths only."""

from urllib.parse import urlsplit

from flask import redirect, request


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
