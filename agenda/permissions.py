from agenda.models import Event
from app.auth.models import ADMIN, ORGANISER
from app.auth.permissions import can, roles, rule

roles("agenda.manage", ADMIN, ORGANISER)


@rule("event.view")
def _view_event(user, event: Event) -> bool:
    """Published and closed events are public; drafts only for those who manage agendas."""
    return event.status != "draft" or can(user, "agenda.manage")


def event_visible(user, event: Event) -> bool:
    if event.status != "draft":
        return True
    return user is not None and user.is_authenticated and can(user, "agenda.manage")


roles("agenda.view_list", ADMIN, ORGANISER, "viewer", "operator", "opd")
