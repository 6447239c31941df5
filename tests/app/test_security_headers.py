"""Security headers on every response, whichever package answers it."""

import pytest

from app import create_app
from app.security import CONTENT_SECURITY_POLICY


def _assert_headers(response, referrer="strict-origin-when-cross-origin"):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == referrer


def test_every_package_answers_with_the_security_headers(
    login_as, make_event, make_session, make_registration
):
    event = make_event()
    make_session(event)
    registration = make_registration(event)
    organiser = login_as("organiser")
    pages = {
        "/login": 302,  # app (auth): already logged in
        "/": 200,  # app (core)
        "/opd/": 200,  # app (opds)
        f"/events/{event.slug}/": 200,  # agenda, public
        f"/manage/events/{event.slug}/": 200,  # agenda, builder
        f"/api/v1/events/{event.slug}/sessions": 200,  # agenda, API
        "/people/": 200,  # participants, directory
        f"/manage/events/{event.slug}/registrations/": 200,  # participants, registrations
        "/manage/outbox/": 200,  # participants, outbox
        "/static/sinergi.css": 200,  # static files
        "/tidak-ada": 404,  # error pages
    }
    for path, status in pages.items():
        response = organiser.get(path)
        assert response.status_code == status, path
        _assert_headers(response)

    # A personal link is a secret: it must not leak through the Referer of any link on it.
    personal = organiser.get(f"/p/{registration.link_token}/")
    assert personal.status_code == 200
    _assert_headers(personal, referrer="no-referrer")


def test_hsts_only_in_production(client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setenv("SINERGI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    production = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = production.test_client().get("/static/sinergi.css")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    "path", ["/events/", "/events/{slug}/", "/events/{slug}/print", "/events/{slug}/changes"]
)
def test_public_pages_without_a_form_set_no_cookie_for_visitors(client, make_event, path):
    event = make_event()
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    # The language switch is a link, and choosing sets the cookie then.
    body = response.get_data(as_text=True)
    if "/language/en" in body:
        chosen = client.get(f"/language/en?next=/events/{event.slug}/")
        assert chosen.status_code == 302 and chosen.headers["Location"] == f"/events/{event.slug}/"
        assert "Set-Cookie" in chosen.headers
        assert 'lang="en"' in client.get(f"/events/{event.slug}/").get_data(as_text=True)


def test_the_language_link_refuses_other_sites_as_next(client):
    response = client.get("/language/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_the_login_form_still_works_with_its_cookie(client, make_user):
    user = make_user("organiser")
    assert "Set-Cookie" in client.get("/login").headers  # a form: CSRF needs the session
    assert client.login(user.email).status_code == 302
