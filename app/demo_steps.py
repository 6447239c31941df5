"""The steps of ``flask seed demo``: each package registers its own with ``@demo_step(order)``.

A registry with no imports of its own, so the base demo (app/demo.py), the feature packages'
demos and the CLI that runs them all depend on it and never on each other.
"""

from collections.abc import Callable

_DEMO_STEPS: list[tuple[int, Callable]] = []


def demo_step(order: int):
    """Register ``func(echo)`` as a step of ``seed demo``; steps must be idempotent."""

    def register(func):
        _DEMO_STEPS.append((order, func))
        _DEMO_STEPS.sort(key=lambda item: item[0])
        return func

    return register


def demo_steps() -> list[Callable]:
    return [step for _order, step in _DEMO_STEPS]
