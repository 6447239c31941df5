"""Inviting (participants/registrations/invitations.py): people from the directory with role
and group, idempotent, inactive people skipped and named, a thousand at once."""

from sqlalchemy import insert, select

from app.extensions import db
from participants.models import Person, Registration
from participants.registrations import invitations, rules

from ..conftest import nip_for
from .conftest import batch_entries, registered, submit, text_of


def test_inviting_again_skips_and_reports_people_already_registered(login_as, make_event, city):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    url = "/manage/events/sm-iv/registrations/invite/rule"
    form = {"rule-rule": "level", "rule-level": "administrator", "rule-role": "peserta"}
    submit(organiser, url, "rule", form)
    first = registered(event)
    tokens = {name: (r.pass_token, r.link_token) for name, r in first.items()}

    response = submit(organiser, url, "rule", form)
    page = text_of(organiser.get(response.location).get_data(as_text=True))

    assert "0 orang diundang." in page
    assert f"{len(first)} sudah terdaftar sehingga dilewati" in page
    again = registered(event)
    assert {name: (r.pass_token, r.link_token) for name, r in again.items()} == tokens
    # One audit entry for the batch that invited people, none for the one that changed nothing.
    [entry] = batch_entries()
    assert entry.action == "invite" and entry.changes["diundang"] == [None, len(first)]
    assert entry.user_id == organiser.user.id


def test_individuals_are_found_in_the_directory_and_invited_with_role_and_group(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("retret")
    make_registration(event, city["kadinkes"])
    page = organiser.get("/manage/events/retret/registrations/invite?q=zudan").get_data(
        as_text=True
    )
    assert "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H." in page
    page = organiser.get("/manage/events/retret/registrations/invite?q=kesehatan").get_data(
        as_text=True
    )
    assert "Sudah terdaftar" in page  # the head of Dinkes is already on the list

    response = submit(
        organiser,
        "/manage/events/retret/registrations/invite/people",
        "people",
        {
            "people-person_ids": [str(city["guest"].id), str(city["kadinkes"].id)],
            "people-role": "narasumber",
            "people-group": "",
        },
    )
    chosen = registered(event)
    assert chosen["Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H."].role == "narasumber"
    assert chosen["dr. Aditya Prasetyo, M.Kes."].role == "peserta"  # untouched
    page = text_of(organiser.get(response.location).get_data(as_text=True))
    assert "1 orang diundang. 1 sudah terdaftar sehingga dilewati (dr. Aditya Prasetyo" in page


def test_inactive_people_picked_one_by_one_are_skipped_and_named(login_as, make_event, city):
    organiser = login_as("organiser")
    event = make_event("rakor")
    response = submit(
        organiser,
        "/manage/events/rakor/registrations/invite/people",
        "people",
        {"people-person_ids": [str(city["retired_head"].id)], "people-role": "peserta"},
    )
    assert registered(event) == {}
    page = text_of(organiser.get(response.location).get_data(as_text=True))
    assert "1 tidak aktif sehingga dilewati (Ir. Gatot Subagyo" in page


def test_invite_service_bulk_inserts_a_thousand_people_quickly(make_event, count_queries):
    import time

    event = make_event("besar")
    db.session.execute(
        insert(Person),
        [
            {
                "nip": nip_for(i),
                "name": f"Pegawai {i:05d}",
                "position": "Analis",
                "level": "fungsional",
                "golongan": "III/c",
                "active": True,
            }
            for i in range(1000)
        ],
    )
    db.session.commit()
    started = time.perf_counter()
    with count_queries() as counter:
        result = invitations.invite(event, rules.officials_of_level("fungsional"))
        db.session.commit()
    assert result.added == 1000
    assert time.perf_counter() - started < 3
    assert counter.count < 20  # bulk statements, not one INSERT per person
    tokens = db.session.execute(select(Registration.pass_token, Registration.link_token)).all()
    assert len({t for pair in tokens for t in pair}) == 2000
