"""``flask seed …`` (demo data, made of the steps packages register in app.demo_steps) and
``flask backup`` / ``flask restore``."""

import click
from flask.cli import AppGroup, with_appcontext

from app import (
    backup,
    demo,  # noqa: F401  (registers the base steps: the city, its OPDs, the accounts)
)
from app.demo_steps import demo_steps
from app.extensions import db

seed_cli = AppGroup("seed", help="Load data.")


def run_demo(echo=click.echo) -> None:
    for step in demo_steps():
        step(echo)
        db.session.commit()


@seed_cli.command("demo")
def seed_demo():
    """Load the demo city (idempotent: running it again changes nothing)."""
    run_demo()


@click.command("backup")
@click.argument("destination", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(destination):
    """Copy the database (SQLite online backup or pg_dump, consistent while the app serves) and
    the uploads into DESTINATION, with a manifest of their checksums."""
    try:
        manifest = backup.backup(destination)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {destination}: database, {manifest['uploads']} uploaded files.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database and the uploads with the backup in SOURCE (stop the app first).

    The backup is verified first (checksums, the database's integrity and revision); a backup
    that fails is refused and nothing is touched."""
    if not yes:
        click.confirm("This replaces all current data with the backup. Continue?", abort=True)
    try:
        manifest = backup.restore(source)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Restored the backup of {manifest['created_at']} (revision {manifest['revision']})."
    )
