import re

import pytest

from app import create_app
from app.config import ConfigError
from app.extensions import db


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_not_found_page_in_both_languages(login_as):
    client = login_as("viewer")
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.submit("/language/en", {"next": "/"})
    response = client.get("/tidak-ada")
    assert "Page not found" in response.get_data(as_text=True)


def test_api_paths_get_json_errors(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_language_choice_is_remembered_per_user(app, login_as):
    client = login_as("organiser")
    response = client.submit("/language/en", {"next": "/opd/"})
    assert response.headers["Location"] == "/opd/"
    db.session.refresh(client.user)
    assert client.user.locale == "en"

    fresh = app.test_client()  # a new browser: the account remembers English
    fresh.login(client.user.email)
    assert "Welcome, " in fresh.get("/").get_data(as_text=True)


def test_language_switch_refuses_unknown_language_and_foreign_next(login_as):
    client = login_as("viewer")
    assert client.submit("/language/fr").status_code == 404
    response = client.submit("/language/en", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.setenv("SINERGI_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_production_requires_a_shared_rate_limit_storage(monkeypatch):
    monkeypatch.setenv("SINERGI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI is not set"):
        create_app()
    # A single-worker install may choose per-process counting, but only on purpose.
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setenv("SINERGI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]


def test_form_field_messages_follow_the_users_language(login_as):
    organiser = login_as("organiser")
    empty = {
        "title": "",
        "kind": "retret",
        "start_date": "",
        "end_date": "2025-01-01",
        "timezone": "Asia/Jakarta",
        "organiser_opd_id": "0",
    }
    assert "Isian ini wajib diisi." in organiser.submit("/manage/events/new", empty).get_data(
        as_text=True
    )
    organiser.submit("/language/en", {"next": "/"})
    assert "This field is required." in organiser.submit("/manage/events/new", empty).get_data(
        as_text=True
    )


def test_every_form_speaks_the_users_language(app):
    """All forms derive from app.forms.Form, which translates WTForms' own messages."""
    from flask_wtf import FlaskForm

    from app.forms import ActionForm, Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = [
        f.__qualname__
        for f in subclasses(FlaskForm)
        if f not in (Form, ActionForm) and not issubclass(f, Form)
    ]
    assert strays == []


def test_every_page_links_a_favicon_that_exists(client, make_event):
    event = make_event()
    pages = [client.get("/login"), client.get(f"/events/{event.slug}/print")]
    for page in pages:
        assert re.search(
            r'rel="icon" href="/static/favicon.svg\?v=\w+"', page.get_data(as_text=True)
        )
    # Browsers ask for /favicon.ico whatever the page links: it must not be a 404.
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200
    assert response.data.lstrip().startswith(b"<svg")
