"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Environment: GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS (one sync worker per CPU, the
steadiest on small machines; see bench/), FORWARDED_ALLOW_IPS (the proxy's address), and
GUNICORN_ACCESS_LOG (- for stdout). The access log never carries a secret: personal links,
self check-in codes and certificate tokens are cut from the path, and query strings, referrers
and user agents are not written at all.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = 60  # the largest badge PDF streams well within this
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (memory), not all at once
max_requests_jitter = 200
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


logger_class = RedactingLogger
