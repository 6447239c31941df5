"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Environment: GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS (one sync worker per CPU, the
steadiest on small machines; see bench/), FORWARDED_ALLOW_IPS (the proxy's address),
GUNICORN_ACCESS_LOG (- for stdout) and GUNICORN_MAX_REQUESTS (0: workers are not recycled).
The access log never carries a secret: personal links, self check-in codes and certificate
tokens are cut from the path, and query strings, referrers and user agents are not written at
all.

Latency (bench/RESULTS.md): the app is loaded once in the master and its start-up objects are
frozen out of the garbage collector before the workers fork (they share those pages and skip
them in every full collection); workers are not recycled, because a recycle under load costs
every worker its warm state at nearly the same moment (p99 of /healthz went from ~5 ms to
~700 ms with max_requests=2000) and their memory stays flat without it; and each worker writes
its access log from a background thread, so a slow log sink never holds up a response.
"""

import gc
import logging.handlers
import multiprocessing
import os
import queue
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 60  # the largest badge PDF streams well within this
graceful_timeout = 30
preload_app = True  # one import of the app, shared copy-on-write by the workers
# Measured flat RSS over a soak (bench/RESULTS.md), so no recycling by default. A site that
# wants it anyway gets a jitter as large as the limit, so the workers never restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# Paths whose segments are secrets: /p/<personal link>/…, /hadir/<session>/<window>/<code>,
# /sertifikat/<token>, /speakers/<calendar feed token>/agenda.ics.
SECRET_PATH = re.compile(r"^/(p|hadir|sertifikat|speakers)/[^?]*")


def redact(path: str) -> str:
    return SECRET_PATH.sub(lambda m: f"/{m.group(1)}/…", path or "")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact(atoms.get("U", ""))
        return atoms

    def reopen_files(self):  # USR1 (logrotate): also the files the access thread writes
        super().reopen_files()
        for handler in getattr(self, "queued_handlers", ()):
            if isinstance(handler, logging.FileHandler):
                with handler.lock:
                    handler.stream.close()
                    handler.stream = handler._open()


logger_class = RedactingLogger


def pre_fork(server, worker):
    # Everything the master built (the app, its templates, routes, metadata) lives as long
    # as the process: out of the collector's reach, and not copied by a collection's writes.
    gc.freeze()


def post_fork(server, worker):
    # Connections are never shared across a fork: each worker opens its own.
    from app.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    # The access log leaves the request's path: lines go to a queue, a thread writes them.
    access = worker.log.access_log
    if access.handlers:
        lines = queue.SimpleQueue()
        worker.log.queued_handlers = tuple(access.handlers)
        worker.access_listener = logging.handlers.QueueListener(
            lines, *access.handlers, respect_handler_level=True
        )
        access.handlers = [logging.handlers.QueueHandler(lines)]
        worker.access_listener.start()


def worker_exit(server, worker):
    listener = getattr(worker, "access_listener", None)
    if listener is not None:
        listener.stop()  # writes what is still queued
