"""The registration pages (participants/registrations/views.py): who may change what, where
the organiser lands after a change, and the tools the event pages link to."""

import pytest

from .conftest import registered


@pytest.mark.parametrize("role", ["opd", "viewer", "operator"])
def test_only_organisers_and_admins_change_registrations(
    role, login_as, make_event, make_registration, city
):
    client = login_as(role)
    event = make_event("sm-iv")
    registration = make_registration(event, city["kadinkes"])
    base = "/manage/events/sm-iv/registrations"
    token = client.csrf_token()
    posts = [
        (f"{base}/invite/rule", {"rule-csrf_token": token, "rule-rule": "heads"}),
        (f"{base}/invite/opds", {"opds-csrf_token": token, "opds-opd_ids": "1"}),
        (f"{base}/invite/people", {"people-csrf_token": token, "people-person_ids": "1"}),
        (
            f"{base}/bulk",
            {"csrf_token": token, "ids": str(registration.id), "action": "status:cancelled"},
        ),
        (
            f"{base}/{registration.id}",
            {"csrf_token": token, "status": "cancelled", "role": "peserta"},
        ),
        (f"{base}/{registration.id}/cancel", {"csrf_token": token}),
        (
            f"{base}/{registration.id}/delegate",
            {"delegate-csrf_token": token, "delegate-name": "X"},
        ),
        (f"{base}/{registration.id}/undo-delegate", {"csrf_token": token}),
        (f"{base}/{registration.id}/reissue/link", {"csrf_token": token}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    assert client.get(f"{base}/invite").status_code == 403
    assert client.get(f"{base}/{registration.id}").status_code == 403
    # Viewers (pimpinan) may read the list; OPD users and operators (check-in only) may not.
    assert client.get(f"{base}/").status_code == (200 if role == "viewer" else 403)
    assert registered(event)["dr. Aditya Prasetyo, M.Kes."].status == "invited"
    assert len(registered(event)) == 1


def test_visitors_must_log_in(client, make_event):
    make_event("sm-iv")
    response = client.get("/manage/events/sm-iv/registrations/")
    assert response.status_code == 302 and "/login" in response.location


def test_an_unknown_event_is_not_found(login_as):
    assert login_as("organiser").get("/manage/events/tidak-ada/registrations/").status_code == 404


def test_after_a_bulk_change_the_organiser_returns_to_the_same_filtered_page_only(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("retret")
    registration = make_registration(event, city["camat"])
    url = "/manage/events/retret/registrations/bulk"
    data = {"ids": [str(registration.id)], "action": "status:confirmed"}
    back = organiser.submit(url, data | {"next": "/manage/events/retret/registrations/?page=2"})
    assert back.location == "/manage/events/retret/registrations/?page=2"
    away = organiser.submit(url, data | {"next": "https://example.com/phish"})
    assert away.location == "/manage/events/retret/registrations/"


FOREIGN_NEXT = "/\t/evil.example"  # browsers drop the tab and read //evil.example


def test_next_never_leads_off_site(login_as, make_event, make_registration, city):
    organiser = login_as("organiser")
    event = make_event("retret")
    registration = make_registration(event, city["camat"])
    response = organiser.submit(
        "/manage/events/retret/registrations/bulk",
        {"ids": [str(registration.id)], "action": "status:confirmed", "next": FOREIGN_NEXT},
    )
    assert response.location == "/manage/events/retret/registrations/"
    response = organiser.submit(
        f"/manage/events/retret/registrations/{registration.id}/cancel", {"next": FOREIGN_NEXT}
    )
    assert response.location == f"/manage/events/retret/registrations/{registration.id}"
    response = organiser.submit("/manage/events/retret/outbox/reminders", {"next": FOREIGN_NEXT})
    assert response.location == "/manage/events/retret/outbox"


def test_organiser_reaches_every_participant_tool_from_the_event_pages(
    login_as, make_event, make_registration
):
    event = make_event(slug="retret-2025")
    registration = make_registration(event)
    organiser = login_as("organiser")
    builder = organiser.get("/manage/events/retret-2025/").get_data(as_text=True)
    for url in (
        "/manage/events/retret-2025/registrations/",
        "/manage/events/retret-2025/outbox",
        "/manage/events/retret-2025/letter",
    ):
        assert f'href="{url}"' in builder, url
    listing = organiser.get("/manage/events/retret-2025/registrations/").get_data(as_text=True)
    for url in (
        "/events/retret-2025/badges.pdf",
        "/events/retret-2025/registrations.xlsx",
        f"/events/retret-2025/registrations/{registration.id}/badge.pdf",
        "/manage/events/retret-2025/whatsapp",
    ):
        assert f'href="{url}"' in listing, url
    # A viewer reads the list and downloads it, but gets no organiser tools.
    viewer_page = (
        login_as("viewer").get("/manage/events/retret-2025/registrations/").get_data(as_text=True)
    )
    assert 'href="/events/retret-2025/registrations.xlsx"' in viewer_page
    assert "badges.pdf" not in viewer_page and "/outbox" not in viewer_page
