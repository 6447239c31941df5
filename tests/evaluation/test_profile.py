"""The OPD profile: integrity-pact targets and the items that serve them, the follow-up
figures beside the realisation."""

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from followup import pact as pacts
from followup.models import PactTarget


def test_pact_targets_roll_up_from_linked_items(make_event, make_item, city, login_as):
    event = make_event(start=date(2026, 9, 10))
    organiser = login_as("organiser")
    organiser.submit(
        f"/evaluasi/opd/{city['dpupr'].id}/pakta",
        {
            "year": "2026",
            "indicator": "Paket fisik selesai tepat waktu",
            "target": "12 paket",
            "sanction_note": "Evaluasi TPP",
        },
    )
    pact = db.session.scalar(select(PactTarget))
    assert pact.opd_id == city["dpupr"].id
    item = make_item(city["dpupr"], event=event, title="Lelang paket jalan")
    form = organiser.get(f"/tindak-lanjut/{item.id}/edit").get_data(as_text=True)
    assert "DPUPR: Paket fisik selesai tepat waktu (12 paket)" in form
    organiser.submit(
        f"/tindak-lanjut/{item.id}/edit",
        {
            "title": item.title,
            "kind": "tugas",
            "lead_opd": "DPUPR",
            "status": "dalam_proses",
            "pact_target_id": str(pact.id),
            "priority_program_id": "0",
        },
    )
    db.session.expire_all()
    linked = db.session.get(type(item), item.id)
    linked.progress = 60
    db.session.commit()
    assert pacts.progress(city["dpupr"].id) == {pact.id: (1, 60.0)}
    page = organiser.get(f"/evaluasi/opd/{city['dpupr'].id}").get_data(as_text=True)
    assert "Paket fisik selesai tepat waktu" in page and "1 butir · 60,0%" in page


def test_a_pact_target_missing_or_too_long_gets_a_message_and_adds_nothing(city, login_as):
    organiser = login_as("organiser")
    url = f"/evaluasi/opd/{city['dpupr'].id}/pakta"
    good = {"year": "2026", "indicator": "Paket fisik selesai", "target": "12 paket"}
    for bad, message in (
        ({"indicator": "   "}, "Indikator: "),
        ({"target": ""}, "Target: "),
        ({"year": "dua ribu"}, "Tahun: "),
        ({"indicator": "x" * 301}, "Indikator: "),
    ):
        page = organiser.submit(url, {**good, **bad}, follow_redirects=True)
        assert page.status_code == 200 and message in page.get_data(as_text=True), bad
    assert db.session.scalar(select(func.count()).select_from(PactTarget)) == 0
    assert organiser.post(url, data=good).status_code == 400  # no CSRF token
    assert db.session.scalar(select(func.count()).select_from(PactTarget)) == 0
    # Spaces around the words are not kept; the target is the DPUPR's.
    organiser.submit(url, {**good, "indicator": "  Paket fisik selesai  "})
    assert db.session.scalar(select(PactTarget.indicator)) == "Paket fisik selesai"


def test_the_profile_counts_the_opds_follow_up_or_says_it_has_none(
    make_event, make_item, city, login_as
):
    viewer = login_as("viewer")
    page = viewer.get(f"/evaluasi/opd/{city['dinkes'].id}").get_data(as_text=True)
    assert "Belum ada tindak lanjut." in page
    make_item(city["dinkes"], event=make_event(start=date(2026, 9, 10)), due_on=date(2020, 1, 1))
    page = viewer.get(f"/evaluasi/opd/{city['dinkes'].id}").get_data(as_text=True)
    assert "Belum ada tindak lanjut." not in page
    assert 'text-danger fw-semibold">1</td>' in page  # one item overdue
