from agenda.models import Event
from app.auth.models import ADMIN, ORGANISER
from app.auth.permissions import can, roles

roles("agenda.manage", ADMIN, ORGANISER)


def event_visible(user, event: Event) -> bool:
    if event.status != "draft":
        return True
    return user is not None and user.is_authenticated and can(user, "agenda.manage")


roles("agenda.view_list", ADMIN, ORGANISER, "viewer", "operator", "opd")
