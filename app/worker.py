"""The Celery entry point: ``celery -A app.worker worker`` and ``celery -A app.worker beat``
(the same environment as the web app: SINERGI_ENV, DATABASE_URL, CELERY_BROKER_URL …)."""

from app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
