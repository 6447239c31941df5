"""The home page is made of panels that feature packages register per role.

Each panel is a function returning rendered HTML (or None to stay hidden); the home
view shows, in order, the panels registered for the current user's role.
"""

from collections.abc import Callable

_PANELS: list[tuple[int, tuple[str, ...], Callable]] = []


def home_panel(*roles: str, order: int = 50):
    def register(func):
        _PANELS.append((order, roles, func))
        _PANELS.sort(key=lambda item: item[0])
        return func

    return register


def panels_for(user) -> list[str]:
    html = []
    for _order, roles, func in _PANELS:
        if user.role in roles:
            rendered = func(user)
            if rendered:
                html.append(rendered)
    return html


_NAV: list[tuple[int, object, str, str]] = []


def nav_item(order: int, label, endpoint: str, permission: str) -> None:
    """Add a main-menu link shown to users allowed ``permission``."""
    _NAV.append((order, label, endpoint, permission))
    _NAV.sort(key=lambda item: item[0])


def nav_items(user) -> list[dict]:
    from flask import url_for

    from app.auth.permissions import can

    return [
        {"label": label, "url": url_for(endpoint)}
        for _o, label, endpoint, perm in _NAV
        if can(user, perm)
    ]
