"""The staff menu is grouped by the loop (issue 27): each role sees only the groups with a page it
may open, in the loop's order; a package adds its page to a group, never to the bar."""

import pytest

from app.core.home import nav_groups, nav_item


def menu(app, user) -> dict[str, list[str]]:
    """The user's menu as {group: [link labels]}, in Indonesian."""
    with app.test_request_context("/"):
        return {
            str(group["label"]): [str(item["label"]) for item in group["items"]]
            for group in nav_groups(user)
        }


@pytest.mark.parametrize(
    ("role", "groups"),
    [
        (
            "admin",
            [
                "Rencana & undangan",
                "Kehadiran",
                "Tindak lanjut",
                "Evaluasi",
                "Data induk & administrasi",
            ],
        ),
        (
            "organiser",
            [
                "Rencana & undangan",
                "Kehadiran",
                "Tindak lanjut",
                "Evaluasi",
                "Data induk & administrasi",
            ],
        ),
        ("operator", ["Kehadiran"]),
        (
            "viewer",
            ["Rencana & undangan", "Tindak lanjut", "Evaluasi", "Data induk & administrasi"],
        ),
        ("opd", ["Rencana & undangan", "Tindak lanjut", "Evaluasi"]),
    ],
)
def test_each_role_sees_only_its_groups_in_the_loops_order(app, make_user, role, groups):
    assert list(menu(app, make_user(role))) == groups


def test_only_the_administrator_sees_users_and_the_audit_trail(app, make_user):
    admin = menu(app, make_user("admin"))["Data induk & administrasi"]
    organiser = menu(app, make_user("organiser"))["Data induk & administrasi"]
    assert admin == ["Perangkat Daerah", "Pejabat", "Pengguna", "Jejak Audit"]
    assert organiser == ["Perangkat Daerah", "Pejabat"]
    assert menu(app, make_user("opd"))["Tindak lanjut"] == ["Tindak lanjut"]


def test_the_bar_of_an_organiser_page_has_the_groups_and_marks_the_current_page(client, make_user):
    organiser = make_user("organiser")
    client.login(organiser.email)
    html = client.get("/tindak-lanjut/dasbor").get_data(as_text=True)
    assert html.count('<details class="nav-group"') == 3  # one-link groups are plain links
    assert '<a href="/tindak-lanjut/dasbor" aria-current="page">Dasbor tindak lanjut</a>' in html
    assert 'nav-top is-current">Tindak lanjut</summary>' in html


def test_a_menu_item_must_name_one_of_the_groups():
    with pytest.raises(KeyError, match="no menu group 'reports'"):
        nav_item("reports", 10, "Laporan", "core.home", "followup.view")
