"""Sessions that end: after logout, deactivation or a new password, a copied ``session``
cookie and a copied ``remember_token`` cookie of that user both lead to the login page, on
every device, not only in the browser that logged out."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import PASSWORD

PAGE = "/tindak-lanjut/"


@pytest.fixture
def signed_in(app, make_user):
    """An organiser logged in with "Ingat saya"; returns (user, client, copied cookies)."""
    user = make_user("organiser")
    client = app.test_client()
    response = client.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    return user, client, cookies


def _replay(app, name: str, value: str):
    """A new browser that has only the copied cookie."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other.get(PAGE)


def _assert_copies_open_the_page(app, cookies):
    for name, value in cookies.items():
        assert _replay(app, name, value).status_code == 200, name


def _assert_copies_lead_to_login(app, cookies):
    for name, value in cookies.items():
        response = _replay(app, name, value)
        assert response.status_code == 302, name
        assert response.headers["Location"].startswith("/login"), name


def test_logout_ends_every_session_of_the_user(app, signed_in):
    user, client, cookies = signed_in
    elsewhere = app.test_client()  # the same account on a second device
    elsewhere.login(user.email)
    _assert_copies_open_the_page(app, cookies)

    assert client.submit("/logout").headers["Location"].startswith("/login")

    _assert_copies_lead_to_login(app, cookies)
    assert elsewhere.get(PAGE).status_code == 302
    assert client.login(user.email).status_code == 302  # logging in again works
    assert client.get(PAGE).status_code == 200


def test_deactivating_a_user_ends_their_sessions(app, signed_in, login_as):
    user, client, cookies = signed_in
    _assert_copies_open_the_page(app, cookies)

    admin = login_as("admin")
    assert admin.submit(f"/users/{user.id}/active").status_code == 302

    _assert_copies_lead_to_login(app, cookies)
    assert client.get(PAGE).status_code == 302
    # Reactivated, the account logs in anew; the old cookies stay dead.
    admin.submit(f"/users/{user.id}/active")
    _assert_copies_lead_to_login(app, cookies)
    assert client.login(user.email).status_code == 302


def test_a_new_password_ends_the_users_sessions(app, signed_in, login_as):
    user, client, cookies = signed_in
    _assert_copies_open_the_page(app, cookies)

    admin = login_as("admin")
    response = admin.submit(
        f"/users/{user.id}/edit",
        {
            "email": user.email,
            "name": user.name,
            "role": "organiser",
            "opd_id": "0",
            "active": "y",
            "password": "kata-sandi-baru-panjang",
        },
    )
    assert response.status_code == 302

    _assert_copies_lead_to_login(app, cookies)
    assert client.get(PAGE).status_code == 302
    assert client.login(user.email, "kata-sandi-baru-panjang").status_code == 302
    # The token is a secret: the audit log says it changed, never what it is.
    db.session.remove()
    changes = db.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.object_type == "User", AuditEntry.object_id == user.id
        )
    ).all()
    assert any(c.get("session_token") == ["***", "***"] for c in changes)


def test_an_admin_who_changes_their_own_password_stays_signed_in(login_as):
    admin = login_as("admin")
    response = admin.submit(
        f"/users/{admin.user.id}/edit",
        {
            "email": admin.user.email,
            "name": admin.user.name,
            "role": "admin",
            "opd_id": "0",
            "active": "y",
            "password": "kata-sandi-baru-panjang",
        },
    )
    assert response.status_code == 302
    assert admin.get("/users/").status_code == 200


def test_editing_a_user_without_a_new_password_keeps_their_sessions(app, signed_in, login_as):
    user, _client, cookies = signed_in
    login_as("admin").submit(
        f"/users/{user.id}/edit",
        {
            "email": user.email,
            "name": "Nama Baru",
            "role": "organiser",
            "opd_id": "0",
            "active": "y",
        },
    )
    _assert_copies_open_the_page(app, cookies)
