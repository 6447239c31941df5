"""With the database down: /healthz says 503 in JSON for the load balancer, the API answers
JSON (never a bare HTML page), pages show the friendly error page. A failing request's
changes are rolled back before the next one."""

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.opds.models import Opd
from tests.conftest import Client


@pytest.fixture
def database_down(database_url, tmp_path):
    """The app as it runs in production (errors handled, not raised), pointed at a database
    that does not answer: a PostgreSQL port nobody listens on, or a SQLite file in a folder
    that does not exist."""
    if database_url.startswith("postgresql"):
        url = "postgresql+psycopg://postgres@127.0.0.1:9/sinergi?connect_timeout=2"
    else:
        url = "sqlite:///" + str(tmp_path / "missing" / "sinergi.db")
    down = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret", "TESTING": False}
    )
    down.test_client_class = Client
    return down


@pytest.fixture
def production(database_url):
    """A second app on the test database, handling errors as in production, with two views
    that fail: one of the API that has written something first, and a page."""
    live = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret", "TESTING": False}
    )
    live.test_client_class = Client

    @live.get("/api/v1/_test/boom")
    def api_boom():
        db.session.add(Opd(code="BOCOR", name="Tidak boleh tersimpan", kind="dinas"))
        db.session.flush()
        raise RuntimeError("boom")

    @live.get("/_test/boom")
    def page_boom():
        raise RuntimeError("boom")

    return live


def test_healthz_is_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_answers_503_json_while_the_database_does_not(database_down):
    response = database_down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json and response.get_json() == {"status": "unavailable"}


def test_the_api_answers_json_while_the_database_does_not(database_down):
    response = database_down.test_client().post(
        "/api/v1/events/rakor/checkins",
        json={"scans": []},
        headers={"Authorization": "Bearer some-device-token"},
    )
    assert response.status_code == 500
    assert response.is_json
    assert response.get_json()["error"]["code"] == 500
    assert "kesalahan" in response.get_json()["error"]["message"]


def test_a_page_shows_the_friendly_error_page_while_the_database_does_not(database_down):
    client = database_down.test_client()
    response = client.login("admin@contoh.go.id")  # looks the account up
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "text/html" in response.content_type
    assert "Terjadi kesalahan" in page and "Kembali ke beranda" in page


def test_a_signed_in_page_shows_the_friendly_error_page_when_the_database_goes(
    app, login_as, database_down
):
    cookie = login_as("admin").get_cookie("session").value
    client = database_down.test_client()
    client.set_cookie("session", cookie)  # same secret: the user must be loaded from the database
    response = client.get("/")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)


def test_an_api_500_is_json_and_its_changes_are_rolled_back(production, make_user):
    client = production.test_client()
    assert client.login(make_user("admin").email).status_code == 302
    response = client.get("/api/v1/_test/boom")
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["error"]["code"] == 500
    db.session.remove()
    assert db.session.scalar(select(Opd).where(Opd.code == "BOCOR")) is None


def test_api_http_errors_are_json_whatever_the_status(client):
    response = client.put("/api/v1/events/rakor/checkins")  # a method the API does not take
    assert response.status_code == 405
    assert response.is_json and response.get_json()["error"]["code"] == 405


def test_a_page_500_keeps_the_friendly_page(production, make_user):
    client = production.test_client()
    assert client.login(make_user("admin").email).status_code == 302
    response = client.get("/_test/boom")
    assert response.status_code == 500 and "text/html" in response.content_type
    assert "Terjadi kesalahan" in response.get_data(as_text=True)
