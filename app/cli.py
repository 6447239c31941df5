"""``flask seed …``: demo data. Feature packages add their own steps with ``demo_step``."""

from collections.abc import Callable

import click
from flask.cli import AppGroup

from app.extensions import db

seed_cli = AppGroup("seed", help="Load data.")
_DEMO_STEPS: list[tuple[int, Callable]] = []


def demo_step(order: int):
    """Register ``func(echo)`` as a step of ``seed demo``; steps must be idempotent."""

    def register(func):
        _DEMO_STEPS.append((order, func))
        _DEMO_STEPS.sort(key=lambda item: item[0])
        return func

    return register


def run_demo(echo=click.echo) -> None:
    from app import demo  # noqa: F401  (registers the base steps)

    for _order, step in _DEMO_STEPS:
        step(echo)
        db.session.commit()


@seed_cli.command("demo")
def seed_demo():
    """Load the demo city (idempotent: running it again changes nothing)."""
    run_demo()
