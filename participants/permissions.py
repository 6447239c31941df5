from app.auth.models import ADMIN, ORGANISER, VIEWER
from app.auth.permissions import roles

roles("people.view", ADMIN, ORGANISER, VIEWER)
roles("people.manage", ADMIN, ORGANISER)
