"""The home page is made of panels that feature packages register per role.

Each panel is a function returning rendered HTML (or None to stay hidden); the home
view shows, in order, the panels registered for the current user's role.
"""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

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


# The staff menu follows the loop the product serves; a package adds its pages to one of these
# groups (never to the bar itself), and each user sees only the groups with a page it may open.
NAV_GROUPS: dict[str, object] = {
    "plan": _l("Rencana & undangan"),
    "attend": _l("Kehadiran"),
    "followup": _l("Tindak lanjut"),
    "evaluate": _l("Evaluasi"),
    "admin": _l("Data induk & administrasi"),
}

_NAV: list[tuple[str, int, object, str, str]] = []


def nav_item(group: str, order: int, label, endpoint: str, permission: str) -> None:
    """Add a link to the main menu's ``group`` (a key of ``NAV_GROUPS``), shown to users allowed
    ``permission``; ``order`` places it inside its group."""
    if group not in NAV_GROUPS:
        raise KeyError(f"no menu group {group!r} (one of {', '.join(NAV_GROUPS)})")
    _NAV.append((group, order, label, endpoint, permission))
    _NAV.sort(key=lambda item: item[1])


def nav_groups(user, endpoint: str | None = None) -> list[dict]:
    """The menu for ``user``: its groups in the loop's order, each with the links it may open;
    the link of ``endpoint`` (the current page) is marked current."""
    from flask import url_for

    from app.auth.permissions import can

    # Labels as text in the request's language: the page prints each twice (bar and phone
    # menu), and a lazy label looks its translation up again every time it is printed.
    groups = []
    for key, label in NAV_GROUPS.items():
        items = [
            {"label": str(label), "url": url_for(target), "current": target == endpoint}
            for group, _o, label, target, perm in _NAV
            if group == key and can(user, perm)
        ]
        if items:
            current = any(item["current"] for item in items)
            groups.append({"key": key, "label": str(label), "items": items, "current": current})
    return groups
