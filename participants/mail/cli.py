"""``flask mail send-queued`` and ``flask mail remind`` (daily from cron)."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from agenda.models import Event
from app.extensions import db
from app.timeutil import DEFAULT_ZONE, to_zone, utcnow
from participants.mail.delivery import SendResult, send_all_queued
from participants.mail.outbox import queue_reminders

# --- CLI --------------------------------------------------------------------------------------------

mail_cli = AppGroup("mail", help="Email peserta: kirim antrean, pengingat.")


def _echo_send(result: SendResult) -> None:
    click.echo(
        f"Terkirim {result.sent}, gagal {result.failed}, masih dalam antrean {result.remaining}."
    )
    if result.connection_error:
        click.echo(result.connection_error, err=True)


@mail_cli.command("send-queued")
@click.option("--limit", type=int, default=None, help="Paling banyak sekian email.")
@click.option("--event", "slug", default=None, help="Hanya email acara ini (slug).")
@with_appcontext
def send_queued_command(limit, slug):
    """Kirim email yang menunggu di kotak keluar."""
    event_id = None
    if slug:
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        if event is None:
            raise click.ClickException(f"Acara {slug!r} tidak ditemukan.")
        event_id = event.id
    result = send_all_queued(event_id=event_id, limit=limit)
    _echo_send(result)
    if result.connection_error:
        raise SystemExit(1)


@mail_cli.command("remind")
@click.option(
    "--days", type=int, default=2, show_default=True, help="Acara yang mulai dalam N hari."
)
@click.option("--send/--queue-only", default=True, show_default=True)
@with_appcontext
def remind_command(days, send):
    """Antrekan (dan kirim) pengingat untuk acara yang segera dimulai; peserta yang sudah
    diingatkan tidak dikirimi lagi, jadi aman dijalankan tiap hari dari cron."""
    if not current_app.config.get("BASE_URL"):
        raise click.ClickException(
            "BASE_URL belum diatur: tautan halaman pribadi dalam email membutuhkannya."
        )
    today = to_zone(utcnow(), DEFAULT_ZONE).date()
    events = db.session.scalars(
        select(Event)
        .where(
            Event.status == "published",
            Event.start_date >= today,
            Event.start_date <= today + timedelta(days=days),
        )
        .order_by(Event.start_date, Event.id)
    ).all()
    for event in events:
        result = queue_reminders(event, only_new=True)
        db.session.commit()
        click.echo(f"{event.slug}: {result.queued} pengingat diantrekan.")
    if send:
        _echo_send(send_all_queued())
