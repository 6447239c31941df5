"""Inviting by rule (participants/registrations/rules.py): heads of OPD, camat and lurah, a
level, a whole OPD — who each rule picks and whom it leaves out."""

from .conftest import registered, submit, text_of


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
