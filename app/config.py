"""Configuration read from the environment.

``SINERGI_ENV`` selects the profile: ``production`` (default, strict), ``development``
(``make run``) or ``testing`` (the test suite).
"""

import os
import secrets


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run Sinergi safely."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str) -> dict:
    env = os.environ.get("SINERGI_ENV", "production").strip().lower()
    if env not in {"production", "development", "testing"}:
        raise ConfigError(f"SINERGI_ENV must be production, development or testing, not {env!r}")

    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value, e.g. "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set SINERGI_ENV=development for a local demo."
            )
        secret_key = secrets.token_hex(32)

    production = env == "production"
    limiter_storage = os.environ.get("RATELIMIT_STORAGE_URI")
    if production and not limiter_storage:
        # memory:// counts per worker process: with gunicorn -w 4 a login limit of 10 lets 40
        # guesses through. One worker may say so explicitly.
        raise ConfigError(
            "RATELIMIT_STORAGE_URI is not set. Set it to a storage all workers share, e.g. "
            "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0, or to memory:// for a "
            "single-worker install."
        )
    celery = _celery_config(production, limiter_storage)
    sqlite_default = "sqlite:///" + os.path.join(instance_path, "sinergi.db")
    return {
        "SINERGI_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", sqlite_default),
        # No pre-ping: a SELECT 1 on every checkout was a round trip per request. Connections
        # older than half an hour are replaced before a firewall or the server drops them; one
        # dropped anyway fails its request (503, the client retries: scans are idempotent)
        # and the pool replaces every connection opened before it (app/core/errors.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_recycle": 1800},
        # Uploads (imports now, evidence later) live outside the web root.
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", os.path.join(instance_path, "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        # Rows one import may carry (people, OPDs, action items, realisation): a whole
        # regency's officials fit; a bigger file is split.
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", "20000")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # forms stay valid for the session (long meetings)
        # Reverse proxies in front of the app (nginx: 1), so client addresses and https are right.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "RATELIMIT_STORAGE_URI": limiter_storage or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per 5 minutes"),
        # Per check-in device: far above a door's pace (a scan every 2 s), far below a flood.
        "CHECKIN_RATE_LIMIT": os.environ.get("CHECKIN_RATE_LIMIT", "120 per minute"),
        # Flask-Compress's text types plus the ones Sinergi serves (calendars, CSV, the favicon).
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "text/calendar",
            "text/csv",
            "image/svg+xml",
        ],
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ["id", "en"],
        # No MAIL_SERVER: nothing is sent (the outbox says so). MAIL_FOLDER instead of a server
        # writes each message as an .eml file there (``make run``: instance/mail), for demos.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_FOLDER": os.environ.get(
            "MAIL_FOLDER", os.path.join(instance_path, "mail") if env == "development" else ""
        ),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "sinergi@localhost"),
        "MAIL_BATCH_SIZE": int(os.environ.get("MAIL_BATCH_SIZE", "30")),
        # Seconds between a worker's tries while the SMTP server is down or busy, comma-separated
        # (empty: participants/mail/delivery.RETRY_DELAYS, about two hours; then: failed).
        "MAIL_RETRY_DELAYS": tuple(
            int(s) for s in os.environ.get("MAIL_RETRY_DELAYS", "").split(",") if s.strip()
        ),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "15")),
        "ORGANISATION_NAME": os.environ.get("ORGANISATION_NAME", "Pemerintah Kota Batu"),
        # Lines of the letterhead (kop surat) on invitation letters, separated by "|".
        "LETTERHEAD": os.environ.get("LETTERHEAD", ""),
        # Public address used in links sent by e-mail or WhatsApp (e.g. https://sinergi.batukota.go.id).
        "BASE_URL": os.environ.get("BASE_URL", ""),
        # Public holidays (ISO dates, comma-separated) that the assistance planner skips.
        "HOLIDAYS": os.environ.get("HOLIDAYS", ""),
        "TESTING": env == "testing",
        "CELERY": celery,
        # Documents built in the background (app/background_documents.py): badge books and
        # list exports of events with more registrations than this, kept this many hours.
        "BACKGROUND_DOCUMENT_ROWS": int(os.environ.get("BACKGROUND_DOCUMENT_ROWS", "300")),
        # An import (app/staged_import.py) of a file with more rows than this is saved by a
        # task after confirm; the user follows it on the same progress page.
        "BACKGROUND_IMPORT_ROWS": int(os.environ.get("BACKGROUND_IMPORT_ROWS", "2000")),
        "DOWNLOAD_FOLDER": os.environ.get(
            "DOWNLOAD_FOLDER", os.path.join(instance_path, "downloads")
        ),
        "DOWNLOAD_KEEP_HOURS": int(os.environ.get("DOWNLOAD_KEEP_HOURS", "6")),
    }


def _celery_config(production: bool, limiter_storage: str | None) -> dict:
    """The task queue (app/tasks.py). ``CELERY_BROKER_URL`` names the broker; in production
    it defaults to the Redis the rate limiter already shares. Without a broker (``make run``,
    the tests) every task runs in-process at once (``task_always_eager``): nothing to start,
    nothing in the background."""
    broker = os.environ.get("CELERY_BROKER_URL", "").strip()
    if not broker and production and (limiter_storage or "").startswith(("redis://", "rediss://")):
        broker = limiter_storage
    visibility = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    return {
        "broker_url": broker or "memory://",
        "result_backend": os.environ.get("CELERY_RESULT_BACKEND", broker) or None,
        "task_always_eager": not broker,
        "task_eager_propagates": True,
        # A task is acknowledged when it has finished, so one whose worker died (kill -9, a
        # power cut) is delivered again; the outbox row's claim keeps it from sending twice.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # Unacknowledged tasks come back after this many seconds (longer than any task runs).
        "broker_transport_options": {
            "visibility_timeout": visibility,
            "unacked_restore_interval": min(10, visibility),
            "unacked_restore_throttle": 1,
        },
        "result_expires": 24 * 3600,
        "worker_hijack_root_logger": False,
        "timezone": "Asia/Jakarta",
        "task_default_queue": os.environ.get("CELERY_QUEUE", "sinergi"),
        "beat_schedule": {
            # Periodic work that used to need crontab lines (the CLI commands stay for one-off use).
            "event-reminders": {
                "task": "participants.mail.tasks.remind_upcoming_events",
                "schedule": _crontab(os.environ.get("REMINDER_TIME", "07:00")),
            },
            "followup-digest": {
                "task": "followup.tasks.send_daily_digests",
                "schedule": _crontab(os.environ.get("DIGEST_TIME", "07:30")),
            },
            "downloads-cleanup": {  # background documents older than DOWNLOAD_KEEP_HOURS
                "task": "app.background_documents.remove_expired_downloads",
                "schedule": 3600.0,
            },
            "outbox-sweep": {  # messages whose task was lost (broker wiped) go out anyway
                "task": "participants.mail.tasks.redispatch_stalled",
                "schedule": 15 * 60.0,
            },
        },
    }


def _crontab(hh_mm: str):
    from celery.schedules import crontab

    hour, _, minute = hh_mm.partition(":")
    return crontab(hour=int(hour), minute=int(minute or 0))
