"""Background builds of an event's heavy documents (app/background_documents.py): the badge
book and the participant list. Each takes the job's token and the event's id; a job already
ready (a redelivered task) is left alone."""

import io

from celery import shared_task
from flask_babel import gettext as _

from agenda.models import Event
from app import background_documents as jobs
from app.extensions import db
from app.tabular import xlsx_bytes
from participants.documents import badges as services

PROGRESS_EVERY = 200  # rows between progress reports of a list


def _event_or_fail(token: str, event_id: int) -> Event | None:
    event = db.session.get(Event, event_id)
    if event is None:
        jobs.fail(token, _("Acara tidak ditemukan."))
    return event


@shared_task(name="participants.documents.tasks.build_badges")
def build_badges(token: str, event_id: int) -> None:
    if jobs.already_done(token) or (event := _event_or_fail(token, event_id)) is None:
        return
    try:
        badges = [services.badge_for(r) for r in services.expected_registrations(event)]
        jobs.report(token, 0, len(badges))
        out = io.BytesIO()
        services.draw_badges(
            out,
            badges,
            services.sheet_text(event),
            progress=lambda done, total: jobs.report(token, done, total),
        )
    except Exception:
        jobs.fail(token, _("Dokumen gagal dibuat. Coba lagi atau hubungi admin."))
        raise
    jobs.finish(token, out.getvalue())


@shared_task(name="participants.documents.tasks.build_participant_list")
def build_participant_list(token: str, event_id: int) -> None:
    if jobs.already_done(token) or (event := _event_or_fail(token, event_id)) is None:
        return
    try:
        registrations = services.participant_list(event)
        header, rows = services.participant_table(registrations)
        total = len(registrations)

        def counted(rows):
            for done, row in enumerate(rows, start=1):
                if done % PROGRESS_EVERY == 0:
                    jobs.report(token, done, total)
                yield row

        jobs.report(token, 0, total)
        data = xlsx_bytes(f"peserta-{event.slug}", header, counted(rows))
    except Exception:
        jobs.fail(token, _("Dokumen gagal dibuat. Coba lagi atau hubungi admin."))
        raise
    jobs.finish(token, data)
