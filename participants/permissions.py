"""Who may do what in participants (the rules every view and template asks through ``can``)."""

from app.auth.models import ADMIN, ORGANISER, VIEWER
from app.auth.permissions import roles

roles("people.view", ADMIN, ORGANISER, VIEWER)
roles("people.manage", ADMIN, ORGANISER)
# Registrations: organisers manage them; viewers (pimpinan) read the list. Operators see
# participants only through the check-in scanner (attendance/).
roles("registrations.view", ADMIN, ORGANISER, VIEWER)
roles("registrations.manage", ADMIN, ORGANISER)
# Mail, letters and badges speak for the organiser: organisers only.
roles("outbox.view", ADMIN, ORGANISER)
roles("outbox.manage", ADMIN, ORGANISER)
roles("badges.print", ADMIN, ORGANISER)
