"""Background work of the follow-up (app/tasks.py): the daily OPD digest from beat."""

from celery import shared_task
from flask import current_app

from app.extensions import db
from followup import reminders
from participants.mail.tasks import dispatch


@shared_task(name="followup.tasks.send_daily_digests")
def send_daily_digests() -> int:
    """Daily (beat): queue each OPD's digest of items due within 7 days or overdue and send
    them. OPDs already sent today's digest are left out, so a second run sends nothing."""
    if not reminders.configured():
        current_app.logger.warning("follow-up digest skipped: BASE_URL is not set")
        return 0
    count = reminders.queue(reminders.digests())
    db.session.commit()
    dispatch(kind=reminders.DIGEST_KIND)
    return count
