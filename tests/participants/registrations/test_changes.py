"""Bulk changes and editing (participants/registrations/changes.py): status, group and role
for a selection, one audit entry each; nonsense and other events' registrations change nothing."""

import pytest

from app.extensions import db
from participants.models import Registration
from participants.registrations import changes, core

from .conftest import batch_entries, registered, text_of


def test_bulk_status_group_and_role_for_a_selection_with_one_audit_entry_each(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("retret")
    a = make_registration(event, city["kadinkes"])
    b = make_registration(event, city["camat"])
    c = make_registration(event, city["guest"])
    url = "/manage/events/retret/registrations/bulk"
    organiser.submit(url, {"ids": [str(a.id), str(b.id)], "action": "status:confirmed"})
    organiser.submit(url, {"ids": [str(a.id), str(b.id)], "action": "group", "group": "Kelompok A"})
    response = organiser.submit(url, {"ids": [str(c.id)], "action": "role:narasumber"})
    assert response.status_code == 302
    chosen = registered(event)
    head, camat, guest = (
        chosen["dr. Aditya Prasetyo, M.Kes."],
        chosen["Rizal Hakim, S.STP."],
        chosen["Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H."],
    )
    assert (head.status, head.group, head.responded_at is not None) == (
        "confirmed",
        "Kelompok A",
        True,
    )
    assert (camat.status, camat.group) == ("confirmed", "Kelompok A")
    assert (guest.status, guest.role, guest.group) == ("invited", "narasumber", "")
    assert len(batch_entries()) == 3


def test_a_bulk_action_is_read_by_the_service_and_nonsense_changes_nothing(
    make_event, make_registration, city
):
    event = make_event("retret")
    a = make_registration(event, city["kadinkes"])
    assert changes.bulk_action(event, [a.id], "group", "  Kelompok B ") == 1
    assert a.group == "Kelompok B"
    assert changes.bulk_action(event, [a.id], "role:panitia") == 1 and a.role == "panitia"
    for action, message in [
        ("hapus-semua", "Tindakan tidak dikenal."),
        ("status:", "Tindakan tidak dikenal."),
        ("status:delegated", "Status tidak dapat dipilih langsung."),
        ("role:raja", "Peran tidak dikenal."),
    ]:
        with pytest.raises(core.RegistrationError, match=message):
            changes.bulk_action(event, [a.id], action)
    assert (a.status, a.role, a.group) == ("invited", "panitia", "Kelompok B")


def test_bulk_action_only_touches_registrations_of_this_event(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    mine = make_event("mine")
    other = make_event("other")
    theirs = make_registration(other, city["kadinkes"])
    organiser.submit(
        "/manage/events/mine/registrations/bulk",
        {"ids": [str(theirs.id)], "action": "status:cancelled"},
    )
    assert registered(other)["dr. Aditya Prasetyo, M.Kes."].status == "invited"
    assert registered(mine) == {}


def test_editing_one_registration_sets_role_group_status_and_note(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("retret")
    registration = make_registration(event, city["camat"])
    url = f"/manage/events/retret/registrations/{registration.id}"
    response = organiser.submit(
        url, {"role": "panitia", "group": "Kelompok B", "status": "confirmed", "note": "Sie acara"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Registration, registration.id)
    assert (saved.role, saved.group, saved.status, saved.note) == (
        "panitia",
        "Kelompok B",
        "confirmed",
        "Sie acara",
    )
    page = organiser.get(url).get_data(as_text=True)
    assert f"/p/{saved.link_token}/" in page  # the personal link to send


def test_cancelling_a_registration(login_as, make_event, make_registration, city):
    organiser = login_as("organiser")
    event = make_event("retret")
    registration = make_registration(event, city["camat"], status="confirmed")
    organiser.submit(f"/manage/events/retret/registrations/{registration.id}/cancel")
    assert registered(event)["Rizal Hakim, S.STP."].status == "cancelled"
    page = text_of(
        organiser.get("/manage/events/retret/registrations/?status=cancelled").get_data(
            as_text=True
        )
    )
    assert "Rizal Hakim, S.STP." in page
