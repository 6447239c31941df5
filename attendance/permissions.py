"""Who may do what in attendance."""

from app.auth.models import ADMIN, OPERATOR, ORGANISER, VIEWER
from app.auth.permissions import roles

# Operators (check-in staff) scan and nothing else; organisers and admins scan too.
roles("attendance.scan", ADMIN, ORGANISER, OPERATOR)
# The live dashboard and the official lists: organisers and pimpinan (read-only).
roles("attendance.view", ADMIN, ORGANISER, VIEWER)
# Manual marks (izin, sakit, dinas luar), manual check-in from the list, the projector code.
roles("attendance.manage", ADMIN, ORGANISER)
# Check-in is the operator's whole job: its home page shows today's events even when there are
# none (the others see the panel only on a day with an event).
roles("attendance.scan_only", OPERATOR)
