"""The task queue: Celery with Redis as broker and result store, set up the way Flask's
documentation describes ("Background Tasks with Celery"): ``celery_init_app`` binds one Celery
app to the Flask app, and every task runs inside an app context of its own (``FlaskTask``).

Tasks are plain functions in each package's ``tasks.py`` (``@shared_task``), registered when
the package's ``blueprints.py`` imports them; they take ids, never objects, and are idempotent:
the database row decides whether anything is left to do (an outbox message is claimed before
it is sent and marked sent after, so a task delivered twice sends nothing twice).

Without ``CELERY_BROKER_URL`` (``make run``, the tests) tasks run in-process at once
(``task_always_eager``). With a broker, ``celery -A app.worker worker`` and
``celery -A app.worker beat`` (``make worker``) do the work and the periodic jobs of the
``beat_schedule`` in app/config.py.
"""

from celery import Celery, Task
from flask import Flask, current_app


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def celery() -> Celery:
    return current_app.extensions["celery"]


def bound(task):
    """``task`` (a ``@shared_task``) as registered on this Flask app's Celery app: a shared
    task by itself runs on the Celery app created last, which is this one in a server or a
    worker but not in a process that builds several apps (the tests)."""
    return celery().tasks[task.name]


def in_background() -> bool:
    """True when a worker does the work (a broker is configured); False when tasks run in
    the request itself."""
    return not celery().conf.task_always_eager


def broker_status() -> dict:
    """For ``/healthz?deep=1``: whether the broker answers (never raises)."""
    if not in_background():
        return {"mode": "eager"}
    try:
        with celery().connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return {"mode": "worker", "status": "ok"}
    except Exception as exc:  # noqa: BLE001 (any broker failure is reported, not raised)
        return {"mode": "worker", "status": "error", "error": type(exc).__name__}


def queue_overview() -> dict | None:
    """For the admins' outbox page: tasks waiting in the broker and tasks the workers are
    running now (None in eager mode). Worker inspection waits at most a second."""
    if not in_background():
        return None
    app = celery()
    overview = {"waiting": None, "running": [], "workers": 0, "error": ""}
    try:
        with app.connection_for_read() as connection:
            overview["waiting"] = connection.default_channel.client.llen(
                app.conf.task_default_queue
            )
        # Workers of this queue only: another application's (or another test run's) workers
        # on the same Redis are not ours to count. Asked with a destination, the second
        # question returns as soon as those workers have answered.
        queue = app.conf.task_default_queue
        queues = app.control.inspect(timeout=1.0).active_queues() or {}
        ours = [
            w for w, consumed in queues.items() if any(q.get("name") == queue for q in consumed)
        ]
        active = (app.control.inspect(destination=ours, timeout=1.0).active() or {}) if ours else {}
        overview["workers"] = len(ours)
        overview["running"] = [
            {"name": task.get("name", ""), "worker": worker, "started": task.get("time_start")}
            for worker, tasks in active.items()
            for task in tasks
        ]
    except Exception as exc:  # noqa: BLE001 (the page says the broker cannot be reached)
        overview["error"] = type(exc).__name__
    return overview
