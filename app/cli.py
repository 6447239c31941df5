"""``flask seed …``: demo data, made of the steps packages register in app.demo_steps."""

import click
from flask.cli import AppGroup

from app import demo  # noqa: F401  (registers the base steps: the city, its OPDs, the accounts)
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
