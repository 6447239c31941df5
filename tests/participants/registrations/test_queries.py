"""The registration list (participants/registrations/queries.py): filters and counts per
status, searches that take wildcards literally, and a query count that does not grow."""

import re

from sqlalchemy import insert, select

from app.extensions import db
from participants.models import Person, Registration, new_token
from participants.registrations import delegates

from ..conftest import nip_for
from .conftest import text_of


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


def test_the_list_is_in_name_order_without_the_titles(
    login_as, make_event, make_registration, make_person
):
    """Issue 27: "Dr. …" stood under D, "Prof. …" under P — readers look for the name."""
    event = make_event("rakor-urut")
    for name in (
        "Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.",
        "Dr. Ir. Bambang Sutrisno, M.T.",
        "Citra Lestari, S.E.",
        "dr. Aditya Prasetyo, M.Kes.",
        "Drs. H. Eko Wahyudi",
    ):
        make_registration(event, make_person(name))
    # Bulk writes keep the sort name too (the people import and the demo insert in bulk).
    db.session.execute(
        insert(Person),
        [{"name": "H. Dewi Anggraini, S.Sos.", "level": "staf", "nip": nip_for(9)}],
    )
    bulk = db.session.scalar(select(Person).where(Person.name.like("H. Dewi%")))
    make_registration(event, bulk)
    page = login_as("viewer").get("/manage/events/rakor-urut/registrations/")
    shown = re.findall(r'id="registrasi-\d+">.*?<td>([^<]+)', page.get_data(as_text=True), re.S)
    assert [name.split(",")[0] for name in shown] == [
        "dr. Aditya Prasetyo",
        "Dr. Ir. Bambang Sutrisno",
        "Citra Lestari",
        "H. Dewi Anggraini",
        "Drs. H. Eko Wahyudi",
        "Prof. Dr. Zudan Arif Fakrulloh",
    ]

    renamed = db.session.scalar(select(Person).where(Person.name.like("Citra%")))
    renamed.name = "Prof. Yulia Citra, S.E."  # a change of name moves the person
    db.session.commit()
    page = login_as("viewer").get("/manage/events/rakor-urut/registrations/")
    shown = re.findall(r'id="registrasi-\d+">.*?<td>([^<]+)', page.get_data(as_text=True), re.S)
    assert shown[-2].startswith("Prof. Yulia Citra")


def test_the_list_speaks_the_organisers_language_and_links_each_row_to_its_own_pages(
    login_as, make_event, make_registration, make_person, make_opd
):
    organiser = login_as("organiser")
    organiser.user.locale = "en"
    db.session.commit()
    event = make_event("besar")
    opd = make_opd("DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    first = make_registration(event, make_person("Ani Lestari", opd=opd), status="confirmed")
    second = make_registration(
        event, make_person("Budi Santoso", opd=opd), role="narasumber", status="declined"
    )
    page = organiser.get("/manage/events/besar/registrations/").get_data(as_text=True)
    for registration in (first, second):
        assert f'href="/manage/events/besar/registrations/{registration.id}"' in page
    assert f'href="/events/besar/registrations/{first.id}/badge.pdf"' in page
    rows = {
        registration: text_of(
            page.split(f'id="registrasi-{registration.id}"')[1].split("</tr>")[0].split(">", 1)[1]
        )
        for registration in (first, second)
    }
    assert rows[first].startswith("Ani Lestari") and "Dinkes Participant – Attending" in rows[first]
    assert (
        rows[second].startswith("Budi Santoso") and "Dinkes Speaker – Not attending" in rows[second]
    )
    assert rows[first].endswith("Edit") and rows[second].endswith("Edit")
    assert 'aria-label="Select Ani Lestari"' in page and 'aria-label="Pass of Ani Lestari"' in page
    assert 'aria-label="Pass of Budi Santoso"' not in page  # declined: no seat, no pass
