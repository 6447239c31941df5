"""Links on an event's builder page that other packages add (participants, attendance, follow-up).

``event_link(order, label, endpoint, permission)`` at import time; the builder shows, in order,
the links the current user is allowed, each built with the event's ``slug``.
"""

from flask import url_for

from app.auth.permissions import can

_EVENT_LINKS: list[tuple[int, object, str, str]] = []


def event_link(order: int, label, endpoint: str, permission: str) -> None:
    """Add a link to ``endpoint`` (taking ``slug``) for users allowed ``permission``."""
    _EVENT_LINKS.append((order, label, endpoint, permission))
    _EVENT_LINKS.sort(key=lambda item: item[0])


def event_links(event, user) -> list[dict]:
    return [
        {"label": label, "url": url_for(endpoint, slug=event.slug)}
        for _order, label, endpoint, permission in _EVENT_LINKS
        if can(user, permission)
    ]


# Panels other packages show on an event's agenda page, below its header (e.g. the performance
# ranking a Strategic Meeting discusses, for organisers and pimpinan): func(event, user) -> html.
_AGENDA_PANELS: list[tuple[int, object]] = []


def agenda_panel(order: int = 50):
    def register(func):
        _AGENDA_PANELS.append((order, func))
        _AGENDA_PANELS.sort(key=lambda item: item[0])
        return func

    return register


def agenda_panels(event, user) -> list:
    from markupsafe import Markup

    # Rendered by the packages' own templates (escaped there).
    return [Markup(html) for _o, func in _AGENDA_PANELS if (html := func(event, user))]  # noqa: S704
