"""The task queue's set-up (app/tasks.py, app/config.py): in-process without a broker, the
production Redis by default, and ``/healthz?deep=1`` asking the broker."""

from app.config import load_config
from tests.participants.fixtures import free_port
from tests.worker import REDIS_URL, background_tasks

PRODUCTION = {"SINERGI_ENV": "production", "SECRET_KEY": "x" * 32}


def celery_config(monkeypatch, tmp_path, **env):
    for key in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return load_config(str(tmp_path))["CELERY"]


def test_without_a_broker_tasks_run_in_process(monkeypatch, tmp_path):
    config = celery_config(monkeypatch, tmp_path, SINERGI_ENV="development")
    assert config["task_always_eager"] is True
    assert config["result_backend"] is None
    single = celery_config(monkeypatch, tmp_path, **PRODUCTION, RATELIMIT_STORAGE_URI="memory://")
    assert single["task_always_eager"] is True  # a one-process install needs no worker


def test_production_uses_the_redis_it_already_has_unless_told_otherwise(monkeypatch, tmp_path):
    shared = "redis://127.0.0.1:6379/0"
    config = celery_config(monkeypatch, tmp_path, **PRODUCTION, RATELIMIT_STORAGE_URI=shared)
    assert (config["broker_url"], config["result_backend"]) == (shared, shared)
    assert config["task_always_eager"] is False
    assert config["task_acks_late"] and config["task_reject_on_worker_lost"]
    own = celery_config(
        monkeypatch,
        tmp_path,
        **PRODUCTION,
        RATELIMIT_STORAGE_URI=shared,
        CELERY_BROKER_URL="redis://queue.internal:6379/3",
    )
    assert own["broker_url"] == "redis://queue.internal:6379/3"
    assert {entry["task"] for entry in own["beat_schedule"].values()} >= {
        "participants.mail.tasks.remind_upcoming_events",
        "followup.tasks.send_daily_digests",
    }


def test_healthz_reports_the_broker_only_when_asked(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    eager = client.get("/healthz?deep=1")
    assert eager.status_code == 200
    assert eager.get_json() == {"status": "ok", "broker": {"mode": "eager"}}
    with background_tasks(app) as celery:
        live = client.get("/healthz?deep=1")
        assert live.status_code == 200, live.get_json()
        assert live.get_json()["broker"] == {"mode": "worker", "status": "ok"}
        celery.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
        down = client.get("/healthz?deep=1")
        assert down.status_code == 503
        assert down.get_json()["status"] == "error"
        assert down.get_json()["broker"]["status"] == "error"
        celery.conf.broker_url = REDIS_URL
        assert client.get("/healthz").status_code == 200  # the plain check never asks
