"""Registrations per event (issue 5): inviting by person, OPD and rule, capacity, bulk changes,
delegates, permissions, and a list whose query count does not grow with its size."""

import re

import pytest
from sqlalchemy import func, insert, select

from app.audit.models import AuditEntry
from app.extensions import db
from participants import passes
from participants.models import Person, Registration, new_token
from participants.registrations import changes, core, delegates, invitations, rules

from .conftest import nip_for


def submit(client, url, prefix, data):
    """POST a prefixed form (its CSRF field is '<prefix>-csrf_token')."""
    token = client.csrf_token()
    return client.post(url, data={f"{prefix}-csrf_token": token, **data})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def registered(event) -> dict[str, Registration]:
    """The event's registrations by the person's name."""
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id))
    return {r.person.name: r for r in rows}


def batch_entries() -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "RegistrationBatch")
    ).all()


@pytest.fixture
def city(make_opd, make_person):
    """A small city: two dinas (one dissolved), a kecamatan with two kelurahan, and officials."""
    dinkes = make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    old = make_opd("DISLAMA", name="Dinas Lama", short_name="Dislama")
    old.active = False
    kec = make_opd("KEC-BATU", kind="kecamatan", name="Kecamatan Batu", short_name="Kec. Batu")
    kec2 = make_opd("KEC-BUMIAJI", kind="kecamatan", name="Kecamatan Bumiaji")
    sisir = make_opd("KEL-SISIR", kind="kelurahan", parent=kec, name="Kelurahan Sisir")
    temas = make_opd("KEL-TEMAS", kind="kelurahan", parent=kec, name="Kelurahan Temas")
    db.session.commit()
    people = {
        "kadinkes": make_person(
            "dr. Aditya Prasetyo, M.Kes.",
            level="jpt_pratama",
            opd=dinkes,
            position="Kepala Dinas Kesehatan",
            head="definitif",
        ),
        "sekdinkes": make_person(
            "Sri Rahayu, S.KM.", opd=dinkes, position="Sekretaris Dinas Kesehatan"
        ),
        "kabid": make_person(
            "Bagus Santoso, S.KM.", level="pengawas", opd=dinkes, position="Kepala Seksi"
        ),
        "kadislama": make_person(
            "Drs. Heru Wibowo",
            level="jpt_pratama",
            opd=old,
            position="Kepala Dinas Lama",
            head="definitif",
        ),
        "retired_head": make_person(
            "Ir. Gatot Subagyo",
            level="jpt_pratama",
            opd=dinkes,
            position="Kepala Dinas (purna)",
            active=False,
        ),
        "camat": make_person(
            "Rizal Hakim, S.STP.",
            opd=kec,
            position="Camat Batu",
            level="administrator",
            head="definitif",
        ),
        "sekcam": make_person(
            "Dewi Lestari, S.Sos.", opd=kec, position="Sekretaris Kecamatan Batu"
        ),
        "plt_camat": make_person(
            "Yudi Hermawan, S.IP.",
            opd=kec2,
            position="Sekretaris Kecamatan Bumiaji",
            level="administrator",
            head="plt",
        ),
        "lurah_sisir": make_person(
            "Anang Kusuma, S.AP.", opd=sisir, position="Lurah Sisir", level="pengawas", head="plh"
        ),
        "seklur_sisir": make_person(
            "Nurul Fitriani, S.E.",
            opd=sisir,
            position="Sekretaris Kelurahan Sisir",
            level="pengawas",
        ),
        "lurah_temas": make_person(
            "Imam Mahmud", opd=temas, position="Lurah Temas", level="pengawas", active=False
        ),
        "camat_in_dinas": make_person(
            "Budi Utomo", opd=dinkes, position="Camat (mantan), staf", level="pengawas"
        ),
        "guest": make_person(
            "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
            level="non_asn",
            position="Kepala BKN",
            institution="Badan Kepegawaian Negara",
        ),
    }
    return {"opds": {"dinkes": dinkes, "kec": kec, "sisir": sisir, "temas": temas}, **people}


# --- inviting by rule ---------------------------------------------------------------------------


def test_heads_of_opd_are_the_active_jpt_pratama_of_active_opds(login_as, make_event, city):
    organiser = login_as("organiser")
    event = make_event("sm-iv")
    response = submit(
        organiser,
        "/manage/events/sm-iv/registrations/invite/rule",
        "rule",
        {"rule-rule": "heads", "rule-level": "jpt_pratama", "rule-role": "peserta"},
    )
    assert response.status_code == 302
    assert set(registered(event)) == {"dr. Aditya Prasetyo, M.Kes."}
    page = text_of(organiser.get(response.location).get_data(as_text=True))
    assert "1 orang diundang." in page


def test_camat_and_lurah_are_chosen_by_position_in_kecamatan_and_kelurahan(
    login_as, make_event, city
):
    organiser = login_as("admin")
    event = make_event("retret")
    submit(
        organiser,
        "/manage/events/retret/registrations/invite/rule",
        "rule",
        {"rule-rule": "camat_lurah", "rule-role": "peserta", "rule-group": "Kelompok B"},
    )
    chosen = registered(event)
    # The camat, the acting camat and the active lurah; not the secretaries, not the inactive
    # lurah, not a staff member of a dinas whose position happens to mention "Camat".
    assert set(chosen) == {"Rizal Hakim, S.STP.", "Yudi Hermawan, S.IP.", "Anang Kusuma, S.AP."}
    assert {r.group for r in chosen.values()} == {"Kelompok B"}
    assert {r.status for r in chosen.values()} == {"invited"}


def test_all_officials_of_a_level_skips_inactive_people(login_as, make_event, city):
    organiser = login_as("organiser")
    event = make_event("rakor")
    submit(
        organiser,
        "/manage/events/rakor/registrations/invite/rule",
        "rule",
        {"rule-rule": "level", "rule-level": "pengawas", "rule-role": "undangan"},
    )
    chosen = registered(event)
    assert set(chosen) == {
        "Bagus Santoso, S.KM.",
        "Anang Kusuma, S.AP.",
        "Nurul Fitriani, S.E.",
        "Budi Utomo",
    }
    assert {r.role for r in chosen.values()} == {"undangan"}


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


def test_a_whole_opd_with_its_kelurahan_or_without(login_as, make_event, city):
    organiser = login_as("organiser")
    kec = city["opds"]["kec"]
    one = make_event("satu")
    two = make_event("dua")
    submit(
        organiser,
        "/manage/events/satu/registrations/invite/opds",
        "opds",
        {"opds-opd_ids": [str(kec.id)], "opds-role": "peserta"},  # include_children unchecked
    )
    response = submit(
        organiser,
        "/manage/events/dua/registrations/invite/opds",
        "opds",
        {"opds-opd_ids": [str(kec.id)], "opds-include_children": "y", "opds-role": "peserta"},
    )
    assert set(registered(one)) == {"Rizal Hakim, S.STP.", "Dewi Lestari, S.Sos."}
    assert set(registered(two)) == {
        "Rizal Hakim, S.STP.",
        "Dewi Lestari, S.Sos.",
        "Anang Kusuma, S.AP.",
        "Nurul Fitriani, S.E.",
    }  # the inactive Lurah Temas is left out
    assert "4 orang diundang." in text_of(organiser.get(response.location).get_data(as_text=True))


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


# --- capacity -----------------------------------------------------------------------------------


def test_an_invitation_beyond_capacity_is_refused_and_changes_nothing(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("rakor", capacity=4)
    make_registration(event, city["kadinkes"], status="confirmed")
    make_registration(event, city["camat"])
    make_registration(event, city["guest"], status="declined")  # frees its place
    before = registered(event)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))

    response = submit(
        organiser,
        "/manage/events/rakor/registrations/invite/rule",
        "rule",
        {"rule-rule": "level", "rule-level": "pengawas", "rule-role": "peserta"},
    )  # 4 pengawas, 2 places left

    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "Kapasitas acara 4 orang; sudah terisi 2, sisa 2." in page
    assert "tidak ada yang diubah" in page
    assert set(registered(event)) == set(before)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries

    # Two fit exactly.
    response = submit(
        organiser,
        "/manage/events/rakor/registrations/invite/people",
        "people",
        {
            "people-person_ids": [str(city["kabid"].id), str(city["sekcam"].id)],
            "people-role": "peserta",
        },
    )
    assert response.status_code == 302
    assert len(registered(event)) == 5


def test_bringing_back_a_declined_participant_respects_capacity(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("rakor", capacity=1)
    make_registration(event, city["kadinkes"], status="confirmed")
    declined = make_registration(event, city["camat"], status="declined")
    response = organiser.submit(
        "/manage/events/rakor/registrations/bulk",
        {"ids": [str(declined.id)], "action": "status:confirmed"},
    )
    assert response.status_code == 302
    page = text_of(organiser.get("/manage/events/rakor/registrations/").get_data(as_text=True))
    assert "Kapasitas acara 1 orang" in page
    assert registered(event)["Rizal Hakim, S.STP."].status == "declined"


# --- bulk changes and editing -------------------------------------------------------------------


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


# --- delegates ----------------------------------------------------------------------------------


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


# --- the list -----------------------------------------------------------------------------------


def test_the_list_filters_and_counts_per_status(login_as, make_event, make_registration, city):
    viewer = login_as("viewer")
    event = make_event("retret")
    make_registration(event, city["kadinkes"], status="confirmed", group="Kelompok A")
    make_registration(event, city["camat"], status="declined", group="Kelompok B")
    make_registration(event, city["lurah_sisir"], group="Kelompok B")
    make_registration(event, city["guest"], role="narasumber")
    url = "/manage/events/retret/registrations/"

    page = viewer.get(url).get_data(as_text=True)
    counts = dict(re.findall(r'data-status="(\w+)">[^<]*<span[^>]*>(\d+)</span>', page))
    assert counts == {
        "invited": "2",
        "confirmed": "1",
        "declined": "1",
        "delegated": "0",
        "cancelled": "0",
    }

    def names(query):
        html = viewer.get(url + query).get_data(as_text=True)
        return set(re.findall(r'id="registrasi-\d+">.*?<td>([^<]+)', html, re.S))

    assert names("?status=invited") == {
        "Anang Kusuma, S.AP.",
        "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
    }
    assert names("?role=narasumber") == {"Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H."}
    assert names("?group=Kelompok+B") == {"Rizal Hakim, S.STP.", "Anang Kusuma, S.AP."}
    assert names("?group=-") == {"Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H."}
    assert names(f"?opd={city['opds']['dinkes'].id}") == {"dr. Aditya Prasetyo, M.Kes."}
    assert names("?q=sisir") == {"Anang Kusuma, S.AP."}
    # A viewer reads the list but gets no bulk or edit controls.
    assert 'name="ids"' not in page and "Undang peserta" not in page


def _bulk_registrations(event, count, start=0):
    """``count`` people and their registrations for ``event``, inserted in bulk."""
    db.session.execute(
        insert(Person),
        [
            {
                "nip": nip_for(start + i),
                "name": f"Peserta {start + i:05d}",
                "position": "Kepala Bidang",
                "level": "administrator",
                "golongan": "IV/a",
                "email": None,
                "phone": "",
                "institution": "",
                "active": True,
            }
            for i in range(count)
        ],
    )
    ids = db.session.scalars(
        select(Person.id).where(Person.name.like("Peserta %")).order_by(Person.id)
    ).all()[start : start + count]
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "person_id": person_id,
                "pass_token": new_token(),
                "link_token": new_token(),
                "status": "invited",
            }
            for person_id in ids
        ],
    )
    db.session.commit()


def test_the_list_runs_the_same_number_of_queries_for_20_and_1000_registrations(
    login_as, make_event, make_opd, make_person, count_queries
):
    organiser = login_as("organiser")
    opd = make_opd("DINKES")
    event = make_event("besar")
    # The list has a head with a delegate, so every eager load is exercised.
    head = Registration(
        event_id=event.id, person_id=make_person("Aaron Kepala", level="jpt_pratama", opd=opd).id
    )
    db.session.add(head)
    db.session.commit()
    delegates.set_delegate(head, make_person("Aaron Wakil", opd=opd))
    db.session.commit()

    def measure():
        organiser.get("/manage/events/besar/registrations/")  # warm-up (caches, session)
        with count_queries() as counter:
            response = organiser.get("/manage/events/besar/registrations/")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Diwakilkan oleh Aaron Wakil" in page and "Mewakili Aaron Kepala" in page
        return counter.count, page

    _bulk_registrations(event, 18)
    small, page = measure()
    assert page.count('name="ids"') == 20
    _bulk_registrations(event, 980, start=18)
    large, page = measure()
    assert page.count('name="ids"') == 50
    assert "dari 1.000" in text_of(page)
    assert small == large, (small, large)


def test_a_page_deep_in_a_long_list_and_filters_keep_the_query_count(
    login_as, make_event, count_queries
):
    organiser = login_as("organiser")
    event = make_event("besar")
    _bulk_registrations(event, 120)
    counts = []
    for query in ("", "?page=3", "?q=peserta&status=invited&group=-"):
        organiser.get(f"/manage/events/besar/registrations/{query}")
        with count_queries() as counter:
            response = organiser.get(f"/manage/events/besar/registrations/{query}")
        assert response.status_code == 200
        counts.append(counter.count)
    assert len(set(counts)) == 1, counts
    assert "Menampilkan 101–120 dari 120" in text_of(
        organiser.get("/manage/events/besar/registrations/?page=3").get_data(as_text=True)
    )


# --- permissions --------------------------------------------------------------------------------


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


# --- demo ---------------------------------------------------------------------------------------


def test_demo_registrations_cover_every_status_with_delegates_and_groups(request_ctx):
    from agenda.demo import seed_events
    from app.demo import seed_opds
    from participants.demo import seed_people, seed_registrations

    messages = []
    for step in (seed_opds, seed_people, seed_events, seed_registrations):
        step(messages.append)
        db.session.commit()
    rows = db.session.scalars(select(Registration)).all()
    by_event: dict[str, list[Registration]] = {}
    for r in rows:
        by_event.setdefault(r.event.slug, []).append(r)
    assert set(by_event) == {
        "strategic-meeting-iii",
        "rakor-program-prioritas",
        "retret-kepemimpinan-asn",
    }
    retreat = by_event["retret-kepemimpinan-asn"]
    assert {r.status for r in retreat} == {
        "invited",
        "confirmed",
        "declined",
        "delegated",
        "cancelled",
    }
    assert {r.group for r in retreat if r.role == "peserta"} == {
        "Kelompok A",
        "Kelompok B",
        "Kelompok C",
    }
    camat = [r for r in retreat if r.person.position.startswith(("Camat", "Lurah"))]
    assert camat and {r.group for r in camat} == {"Kelompok B"}
    for r in rows:
        if r.status == "delegated":
            active = [d for d in r.delegates if d.status in ("invited", "confirmed")]
            assert len(active) == 1 and active[0].status == "confirmed"
    speakers = {r.person.name for r in retreat if r.role == "narasumber"}
    assert {"Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.", "Adhy Karyono"} <= speakers
    assert {r.person.opd.code for r in retreat if r.role == "panitia"} == {"BAG-ORG"}
    meeting = by_event["strategic-meeting-iii"]
    assert sum(r.status == "confirmed" for r in meeting) > len(meeting) / 2

    snapshot = {(r.event_id, r.person_id, r.status, r.group) for r in rows}
    seed_registrations(messages.append)
    db.session.commit()
    db.session.expire_all()
    again = {
        (r.event_id, r.person_id, r.status, r.group)
        for r in db.session.scalars(select(Registration))
    }
    assert again == snapshot
    assert messages[-1].endswith("(no new events)")


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


# --- delegates: reused registrations, inactive people, bulk changes -----------------------------


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


# --- safe redirects, search, capacity lock -------------------------------------------------------

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


def test_wildcards_in_a_search_are_plain_characters_on_every_participant_page(
    login_as, make_event, make_registration, city
):
    organiser = login_as("organiser")
    event = make_event("retret")
    make_registration(event, city["kadinkes"])
    make_registration(event, city["camat"], status="confirmed")
    pages = {
        "list": "/manage/events/retret/registrations/?q=",
        "whatsapp": "/manage/events/retret/whatsapp?q=",
        "directory": "/people/?q=",
    }
    for name, url in pages.items():
        for wildcard in ("_", "%"):
            page = organiser.get(url + wildcard).get_data(as_text=True)
            assert "Aditya" not in page and "Rizal" not in page, (name, wildcard)
        # The same fields everywhere: name, NIP, position, OPD.
        page = organiser.get(url + "kecamatan+batu").get_data(as_text=True)
        assert "Rizal Hakim" in page and "Aditya" not in page, name


def test_the_capacity_check_locks_the_event_before_counting(make_event, make_person, count_queries):
    event = make_event("rakor", capacity=5)
    person = make_person()
    with count_queries() as counter:
        invitations.invite(event, [person.id])
    statements = [" ".join(s.split()) for s in counter.statements]
    lock = next(i for i, s in enumerate(statements) if s.startswith("SELECT event.capacity"))
    count = next(i for i, s in enumerate(statements) if s.startswith("SELECT count(*)"))
    assert lock < count
    if db.engine.dialect.name == "postgresql":
        assert statements[lock].endswith("FOR UPDATE")
