from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db


def test_login_page_is_indonesian(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Masuk ke Sinergi" in page
    assert 'lang="id"' in page


def test_login_and_logout(client, make_user):
    user = make_user("organiser")
    response = client.login(user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Selamat datang, Pengguna organiser" in client.get("/").get_data(as_text=True)

    response = client.submit("/logout")
    assert response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_gives_a_clear_message_and_no_session(client, make_user):
    user = make_user("admin")
    response = client.login(user.email, "salah-sandi")
    assert response.status_code == 200
    assert "Email atau kata sandi salah" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user("viewer")
    user.active = False
    db.session.commit()
    response = client.login(user.email)
    assert "Email atau kata sandi salah" in response.get_data(as_text=True)


def test_repeated_wrong_passwords_are_rate_limited(client, make_user):
    user = make_user("admin")
    token = client.csrf_token()
    for _ in range(5):  # LOGIN_RATE_LIMIT is "5 per minute" in tests
        response = client.post(
            "/login", data={"email": user.email, "password": "x", "csrf_token": token}
        )
        assert response.status_code == 200
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD_OK, "csrf_token": token}
    )
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


PASSWORD_OK = "correct horse battery"


def test_successful_logins_do_not_count_towards_the_limit(app, make_user):
    user = make_user("admin")
    for _ in range(7):
        client = app.test_client()
        assert client.login(user.email).status_code == 302


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("admin")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD_OK})
    assert response.status_code == 400
    assert "Sesi formulir kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in


def test_logged_in_post_without_csrf_changes_nothing(login_as, make_opd):
    admin = login_as("admin")
    opd = make_opd()
    response = admin.post(f"/opd/{opd.id}/active")
    assert response.status_code == 400
    db.session.refresh(opd)
    assert opd.active is True


def test_next_parameter_only_allows_local_paths(client, make_user):
    user = make_user("admin")
    token = client.csrf_token()
    data = {"email": user.email, "password": PASSWORD_OK, "csrf_token": token}
    response = client.post("/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] == "/"
    client.submit("/logout")
    response = client.submit("/login?next=/opd/", {"email": user.email, "password": PASSWORD_OK})
    assert response.headers["Location"] == "/opd/"


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/opd/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/opd/")


def test_opd_user_gets_403_on_admin_pages(login_as):
    client = login_as("opd")
    for url in ("/users/", "/users/new", "/opd/new", "/opd/import", "/audit/", "/opd/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Akses ditolak" in response.get_data(as_text=True)


def test_opd_user_sees_only_its_own_opd(login_as, make_opd):
    client = login_as("opd")
    other = make_opd()
    assert client.get(f"/opd/{client.user.opd_id}").status_code == 200
    assert client.get(f"/opd/{other.id}").status_code == 403


def test_organiser_and_viewer_read_the_registry_but_cannot_change_it(login_as, make_opd):
    opd = make_opd()
    for role in ("organiser", "viewer", "operator"):
        client = login_as(role)
        assert client.get(f"/opd/{opd.id}/edit").status_code == 403
        response = client.submit(f"/opd/{opd.id}/active")
        assert response.status_code == 403
    db.session.refresh(opd)
    assert opd.active


def test_each_role_lands_on_a_home_page_that_fits_it(login_as):
    expectations = {
        "admin": ["Pengguna per peran", "Perangkat daerah aktif", "Perubahan terakhir"],
        "organiser": ["Perangkat daerah aktif"],
        "viewer": ["Perangkat daerah aktif"],
        "operator": ["Presensi hari ini", "Semua acara untuk presensi"],
        "opd": ["Pengguna"],
    }
    for role, texts in expectations.items():
        client = login_as(role)
        page = client.get("/").get_data(as_text=True)
        for text in texts:
            assert text in page, (role, text)
        if role != "admin":
            assert "Pengguna per peran" not in page
            assert 'href="/users/"' not in page
        if role in ("admin", "organiser"):  # no event today: only the operator's home says so
            assert "Presensi hari ini" not in page


def test_admin_creates_user_with_audit_and_opd_binding(login_as, make_opd):
    admin = login_as("admin")
    opd = make_opd()
    data = {
        "email": "Staf@Dinas.test",
        "name": "Staf Dinas",
        "role": "opd",
        "opd_id": "0",
        "password": "panjang-sekali",
    }
    response = admin.submit("/users/new", data)
    assert "Pengguna OPD harus terikat pada satu OPD" in response.get_data(as_text=True)

    data["opd_id"] = str(opd.id)
    response = admin.submit("/users/new", data)
    assert response.status_code == 302
    from app.auth.services import get_by_email

    user = get_by_email("staf@dinas.test")
    assert user.opd_id == opd.id and user.role == "opd"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "User", AuditEntry.object_id == user.id)
    )
    assert entry.action == "create" and entry.changes["password_hash"] == ["***", "***"]


def test_admin_cannot_deactivate_itself(login_as):
    admin = login_as("admin")
    admin.submit(f"/users/{admin.user.id}/active")
    db.session.refresh(admin.user)
    assert admin.user.active


def test_bearer_token_authenticates_and_deactivation_revokes_it(app, make_user):
    from app.auth.services import issue_token, set_active

    user = make_user("viewer")
    token = issue_token(user)
    db.session.commit()
    client = app.test_client()
    assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 302
    set_active(user, False)
    db.session.commit()
    assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user("admin")
    response = client.login(user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_redirect_targets_stay_on_this_site():
    from app.urls import safe_next

    for bad in (
        "//evil.example/x",
        "/\t/evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
    ):
        assert safe_next(bad, "/") == "/", bad
    assert safe_next("/opd/?page=2", "/") == "/opd/?page=2"


def test_admin_cannot_demote_or_deactivate_itself_through_the_edit_form(login_as):
    admin = login_as("admin")
    response = admin.submit(
        f"/users/{admin.user.id}/edit",
        {
            "email": admin.user.email,
            "name": "Admin",
            "role": "viewer",
            "opd_id": "0",
            "active": "y",
        },
    )
    assert "Anda tidak dapat menurunkan peran" in response.get_data(as_text=True)
    db.session.refresh(admin.user)
    assert admin.user.role == "admin" and admin.user.active


def test_user_list_runs_constant_queries(login_as, make_user, count_queries):
    admin = login_as("admin")
    make_user("opd")
    with count_queries() as few:
        admin.get("/users/")
    for _ in range(15):
        make_user("opd")
    with count_queries() as many:
        admin.get("/users/")
    assert many.count == few.count


def test_a_record_tied_to_a_deactivated_opd_can_still_be_saved(login_as, make_opd, make_user):
    admin = login_as("admin")
    kecamatan = make_opd("KEC-X", kind="kecamatan")
    kelurahan = make_opd("KEL-X", kind="kelurahan", parent=kecamatan)
    staff = make_user("opd", opd=kelurahan)
    kecamatan.active = kelurahan.active = False
    db.session.commit()
    response = admin.submit(
        f"/opd/{kelurahan.id}/edit",
        {
            "code": "KEL-X",
            "name": "Kelurahan X baru",
            "kind": "kelurahan",
            "parent_id": str(kecamatan.id),
        },
    )
    assert response.status_code == 302
    response = admin.submit(
        f"/users/{staff.id}/edit",
        {
            "email": staff.email,
            "name": "Staf",
            "role": "opd",
            "opd_id": str(kelurahan.id),
            "active": "y",
        },
    )
    assert response.status_code == 302


def test_behind_a_proxy_each_client_has_its_own_login_limit(make_user):
    from app import create_app
    from tests.conftest import Client

    proxied = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db.engine.url.render_as_string(hide_password=False),
            "SECRET_KEY": "x",
            "LOGIN_RATE_LIMIT": "3 per minute",
            "PROXY_COUNT": 1,
        }
    )
    proxied.test_client_class = Client
    user = make_user("admin")
    client = proxied.test_client()
    token = client.csrf_token()
    wrong = {"email": user.email, "password": "salah", "csrf_token": token}
    for _ in range(3):
        client.post("/login", data=wrong, headers={"X-Forwarded-For": "10.0.0.1"})
    assert (
        client.post("/login", data=wrong, headers={"X-Forwarded-For": "10.0.0.1"}).status_code
        == 429
    )
    assert (
        client.post("/login", data=wrong, headers={"X-Forwarded-For": "10.0.0.2"}).status_code
        == 200
    )


def test_logging_in_starts_a_fresh_session(client, make_user):
    user = make_user("organiser")
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
        planted["lang"] = "en"
    assert client.login(user.email).status_code == 302
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
        assert fresh["lang"] == "en"  # the visitor's language choice survives
        assert fresh["_user_id"] == user.get_id()  # the id with its session token
