"""Delegates (participants/registrations/delegates.py): a head sends one delegate at a time;
reused registrations get new tokens, inactive people are refused, bulk changes leave one seat."""

import pytest

from app.extensions import db
from participants import passes
from participants.registrations import changes, core, delegates

from .conftest import registered, submit, text_of


def test_a_head_sends_a_new_delegate_then_changes_and_undoes_it(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"], group="Kelompok A")
    base = f"/manage/events/sm-iv/registrations/{head.id}"

    response = submit(
        organiser,
        f"{base}/delegate",
        "delegate",
        {
            "delegate-name": "Hesti Kusumawati, S.E.",
            "delegate-position": "Plh. Kepala Dinas Kesehatan",
            "delegate-opd_id": "0",
            "delegate-institution": "",
            "delegate-email": "hesti@example.go.id",
            "delegate-phone": "0812 3456 7890",
        },
    )
    assert response.status_code == 302
    chosen = registered(event)
    head, hesti = chosen["dr. Aditya Prasetyo, M.Kes."], chosen["Hesti Kusumawati, S.E."]
    assert head.status == "delegated"
    assert (hesti.status, hesti.delegate_of_id, hesti.group) == ("confirmed", head.id, "Kelompok A")
    assert hesti.pass_token not in (head.pass_token, head.link_token)
    assert hesti.link_token not in (head.pass_token, head.link_token)
    # The new person is not an official of the directory's levels, but belongs to the head's OPD.
    assert (hesti.person.level, hesti.person.opd_id) == ("non_asn", city["opds"]["dinkes"].id)
    page = text_of(organiser.get("/manage/events/sm-iv/registrations/").get_data(as_text=True))
    assert "Diwakilkan oleh Hesti Kusumawati, S.E." in page
    assert "Mewakili dr. Aditya Prasetyo, M.Kes." in page

    # Change the delegate to the secretary from the directory: Hesti's registration is cancelled.
    submit(
        organiser, f"{base}/delegate", "delegate", {"delegate-person_id": str(city["sekdinkes"].id)}
    )
    chosen = registered(event)
    assert chosen["Hesti Kusumawati, S.E."].status == "cancelled"
    assert chosen["Sri Rahayu, S.KM."].status == "confirmed"
    assert chosen["Sri Rahayu, S.KM."].delegate_of_id == head.id
    active = [
        r
        for r in chosen.values()
        if r.delegate_of_id == head.id and r.status in ("invited", "confirmed")
    ]
    assert len(active) == 1

    # Undo: the head is invited again, no delegate is left active.
    organiser.submit(f"{base}/undo-delegate")
    chosen = registered(event)
    assert chosen["dr. Aditya Prasetyo, M.Kes."].status == "invited"
    assert {chosen[n].status for n in ("Hesti Kusumawati, S.E.", "Sri Rahayu, S.KM.")} == {
        "cancelled"
    }
    page = text_of(organiser.get("/manage/events/sm-iv/registrations/").get_data(as_text=True))
    assert "Diwakilkan oleh" not in page

    # Sending the same delegate again reuses her registration (no duplicates).
    submit(
        organiser, f"{base}/delegate", "delegate", {"delegate-person_id": str(city["sekdinkes"].id)}
    )
    chosen = registered(event)
    assert chosen["Sri Rahayu, S.KM."].status == "confirmed"
    assert len(chosen) == 3


def test_a_delegate_already_registered_in_their_own_right_is_refused(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"])
    make_registration(event, city["sekdinkes"], status="confirmed")
    response = submit(
        organiser,
        f"/manage/events/sm-iv/registrations/{head.id}/delegate",
        "delegate",
        {"delegate-person_id": str(city["sekdinkes"].id)},
    )
    assert response.status_code == 422
    assert "Sri Rahayu, S.KM. sudah terdaftar sendiri di acara ini" in text_of(
        response.get_data(as_text=True)
    )
    assert registered(event)["dr. Aditya Prasetyo, M.Kes."].status == "invited"


def test_cancelling_a_delegated_head_cancels_the_delegate_too(make_event, make_registration, city):
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"])
    delegate = delegates.set_delegate(head, city["sekdinkes"])
    db.session.commit()
    changes.cancel(head)
    db.session.commit()
    assert (head.status, delegate.status) == ("cancelled", "cancelled")


def test_a_cancelled_delegate_cannot_be_reactivated_beside_the_new_one(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"])
    first = delegates.set_delegate(head, city["sekdinkes"])
    delegates.set_delegate(head, city["kabid"])
    db.session.commit()
    organiser.submit(
        "/manage/events/sm-iv/registrations/bulk",
        {"ids": [str(first.id)], "action": "status:confirmed"},
    )
    chosen = registered(event)
    assert chosen["Sri Rahayu, S.KM."].status == "cancelled"
    assert chosen["Bagus Santoso, S.KM."].status == "confirmed"


def test_a_reused_registration_gets_a_new_pass_and_link_and_the_old_ones_are_revoked(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"])
    own = make_registration(event, city["sekdinkes"], status="declined")
    old_link, old_pass = own.link_token, own.pass_token

    response = submit(
        organiser,
        f"/manage/events/sm-iv/registrations/{head.id}/delegate",
        "delegate",
        {"delegate-person_id": str(city["sekdinkes"].id)},
    )
    assert response.status_code == 302
    sri = registered(event)["Sri Rahayu, S.KM."]
    assert (sri.id, sri.status, sri.delegate_of_id) == (own.id, "confirmed", head.id)
    assert old_link != sri.link_token and old_pass != sri.pass_token
    assert passes.lookup(old_pass, "pass").state == "revoked"
    assert passes.lookup(old_link, "link").state == "revoked"
    assert organiser.get(f"/p/{old_link}/").status_code == 404
    assert passes.lookup(sri.pass_token, "pass").registration.id == own.id


def test_an_inactive_person_cannot_be_made_a_delegate(
    login_as, make_event, make_registration, make_person, city
):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"])
    retired = make_person(
        "Ir. Joko Purnomo", opd=city["opds"]["dinkes"], email="joko@example.go.id", active=False
    )
    url = f"/manage/events/sm-iv/registrations/{head.id}/delegate"
    by_email = submit(
        organiser,
        url,
        "delegate",
        {"delegate-name": "Joko", "delegate-opd_id": "0", "delegate-email": "joko@example.go.id"},
    )
    by_pick = submit(organiser, url, "delegate", {"delegate-person_id": str(retired.id)})
    for response in (by_email, by_pick):
        assert response.status_code == 422
        assert "Ir. Joko Purnomo tidak aktif di direktori sehingga tidak dapat menjadi wakil." in (
            text_of(response.get_data(as_text=True))
        )
    assert set(registered(event)) == {"dr. Aditya Prasetyo, M.Kes."}
    assert registered(event)["dr. Aditya Prasetyo, M.Kes."].status == "invited"


@pytest.mark.parametrize("status", ["confirmed", "invited"])
def test_a_bulk_answer_for_a_head_and_its_delegates_leaves_one_seat(
    login_as, make_event, make_registration, city, status
):
    organiser = login_as("organiser")
    event = make_event("sm-iv", capacity=1)
    head = make_registration(event, city["kadinkes"])
    delegates.set_delegate(head, city["kabid"])  # an earlier delegate, now cancelled
    delegates.set_delegate(head, city["sekdinkes"])
    db.session.commit()
    chosen = registered(event)
    assert core.seats_taken(event) == 1

    response = organiser.submit(
        "/manage/events/sm-iv/registrations/bulk",
        {"ids": [str(r.id) for r in chosen.values()], "action": f"status:{status}"},
    )
    assert response.status_code == 302
    chosen = registered(event)
    assert chosen["dr. Aditya Prasetyo, M.Kes."].status == status
    assert chosen["Sri Rahayu, S.KM."].status == "cancelled"
    assert chosen["Bagus Santoso, S.KM."].status == "cancelled"
    assert core.seats_taken(event) == 1  # within the capacity of 1


def test_a_bulk_change_cannot_bring_back_an_old_delegate_beside_the_active_one(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    head = make_registration(event, city["kadinkes"])
    first = delegates.set_delegate(head, city["kabid"])
    second = delegates.set_delegate(head, city["sekdinkes"])
    db.session.commit()
    organiser.submit(
        "/manage/events/sm-iv/registrations/bulk",
        {"ids": [str(first.id), str(second.id)], "action": "status:confirmed"},
    )
    chosen = registered(event)
    assert chosen["Bagus Santoso, S.KM."].status == "cancelled"
    assert chosen["Sri Rahayu, S.KM."].status == "confirmed"
    assert chosen["dr. Aditya Prasetyo, M.Kes."].status == "delegated"
