"""Heavy documents built by a worker (app/tasks.py): a badge book for a thousand participants or
a long list export runs in the background while the requester sees a progress bar and gets a
download link when it is ready.

``start(task, *ids, …)`` gives the job a random token (≥128 bits) and hands ``task(token,
*ids)`` to the queue; the task reports its progress with ``report`` and ends with ``finish``
(or ``fail``). Each job lives in ``DOWNLOAD_FOLDER`` (``instance/downloads``, outside the web
root) as ``<token>/job.json`` and the file, kept ``DOWNLOAD_KEEP_HOURS`` (beat removes older
ones), served only to the user who asked (anyone else: 404). A task delivered twice finds the
job ready and does nothing. Without a broker the task runs in the request and the link is
there at once.
"""

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from celery import shared_task
from flask import abort, current_app
from flask_login import current_user

from app.tasks import bound

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class Job:
    token: str
    user_id: int
    title: str
    filename: str
    mimetype: str
    status: str = "waiting"  # waiting, running, ready, failed
    done: int = 0
    total: int = 0
    error: str = ""
    created: float = 0.0
    kind: str = "document"  # document (a file to download) or import (rows saved)
    message: str = ""  # an import's result, for the user
    link: str = ""  # an import's data, once saved

    @property
    def finished(self) -> bool:
        return self.status in ("ready", "failed")


def folder() -> Path:
    return Path(current_app.config["DOWNLOAD_FOLDER"])


def _job_path(token: str) -> Path:
    return folder() / token / "job.json"


def _write(job: Job) -> None:
    path = _job_path(job.token)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(job)))
    os.replace(partial, path)  # readers never see half a file


def read(token: str) -> Job | None:
    if not TOKEN.match(token or ""):
        return None
    try:
        return Job(**json.loads(_job_path(token).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def start(
    task, *ids, title: str, filename: str = "", mimetype: str = "", kind: str = "document"
) -> Job:
    """A job for the current user: ``task(token, *ids)`` on the queue (or run now)."""
    job = Job(
        token=secrets.token_urlsafe(24),
        user_id=current_user.id,
        title=title,
        filename=filename,
        mimetype=mimetype,
        created=time.time(),
        kind=kind,
    )
    _write(job)
    bound(task).delay(job.token, *ids)
    return read(job.token) or job


def report(token: str, done: int, total: int) -> None:
    job = read(token)
    if job is not None and not job.finished:
        job.status, job.done, job.total = "running", done, total
        _write(job)


def finish(token: str, data: bytes) -> None:
    job = read(token)
    if job is None:
        return
    partial = folder() / token / "file.tmp"
    partial.write_bytes(data)
    os.replace(partial, folder() / token / "file")
    job.status, job.done = "ready", max(job.total, job.done)
    _write(job)


def done(token: str, message: str, link: str) -> None:
    """A job that made no file (an import) ends with its message and where its data is."""
    job = read(token)
    if job is not None:
        job.status, job.done, job.message, job.link = "ready", job.total, message, link
        _write(job)


def fail(token: str, message: str, link: str = "") -> None:
    job = read(token)
    if job is not None:
        job.status, job.error, job.link = "failed", message, link
        _write(job)


def already_done(token: str) -> bool:
    """True when there is nothing (left) to build: the job is ready, failed or gone."""
    job = read(token)
    return job is None or job.finished


def own_job_or_404(token: str) -> Job:
    """The job, only for the user who asked for it."""
    job = read(token)
    if job is None or not current_user.is_authenticated or job.user_id != current_user.id:
        abort(404)
    return job


def file_path(job: Job) -> Path:
    return folder() / job.token / "file"


def remove_expired(now: float | None = None) -> int:
    """Jobs older than DOWNLOAD_KEEP_HOURS removed with their files; how many."""
    limit = (now or time.time()) - current_app.config["DOWNLOAD_KEEP_HOURS"] * 3600
    removed = 0
    if not folder().is_dir():
        return 0
    for entry in folder().iterdir():
        job = read(entry.name)
        created = job.created if job else entry.stat().st_mtime
        if created < limit:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


@shared_task(name="app.background_documents.remove_expired_downloads")
def remove_expired_downloads() -> int:
    """Hourly (beat)."""
    return remove_expired()
