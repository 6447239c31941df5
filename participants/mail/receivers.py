"""What participants' mail does when the agenda publishes a new version."""

from flask_babel import gettext as _

from agenda.models import AgendaVersion, Event
from agenda.signals import agenda_published
from app.extensions import db
from participants.mail.outbox import queue_agenda_update


@agenda_published.connect
def _notify_participants(event: Event, version: AgendaVersion, **_extra) -> str | None:
    """A new agenda version queues a notice for the participants its changes touch."""
    if version.number == 1 or not version.changes:
        return None
    result = queue_agenda_update(event, version)
    db.session.commit()
    if not result.queued:
        return None
    return _(
        "%(count)s pemberitahuan perubahan jadwal masuk kotak keluar; kirim dari halaman Kotak keluar.",
        count=result.queued,
    )
