"""``flask --app wsgi followup …``: the daily reminder digest (safe from cron)."""

import click
from flask.cli import AppGroup, with_appcontext

from app.extensions import db
from followup import reminders
from participants.mail.delivery import send_all_queued

followup_cli = AppGroup("followup", help="Tindak lanjut hasil rapat.")


@followup_cli.command("remind")
@click.option("--dry-run", is_flag=True, help="Tampilkan apa yang akan dikirim, tanpa mengirim.")
@click.option("--send/--queue-only", default=True, show_default=True)
@with_appcontext
def remind_command(dry_run, send):
    """Kirim setiap OPD satu ringkasan tindak lanjut yang jatuh tempo dalam 7 hari atau lewat
    batas waktu. Aman dijalankan dari cron beberapa kali sehari: ringkasan hari ini tidak
    dikirim dua kali."""
    if not reminders.configured():
        raise click.ClickException("BASE_URL belum diatur: tautan dalam email membutuhkannya.")
    found = reminders.digests()
    for digest in found:
        click.echo(
            f"{digest.opd.code}: {len(digest.overdue)} lewat batas waktu, "
            f"{len(digest.due_soon)} jatuh tempo → {', '.join(digest.recipients)}"
        )
        if dry_run:
            click.echo(digest.body)
    if dry_run:
        click.echo(f"(uji coba) {len(found)} ringkasan tidak dikirim.")
        return
    count = reminders.queue(found)
    db.session.commit()
    click.echo(f"{count} ringkasan diantrekan.")
    if send and count:
        result = send_all_queued()
        click.echo(f"{result.sent} terkirim, {result.failed} gagal.")
