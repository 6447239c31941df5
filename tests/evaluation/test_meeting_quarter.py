"""The quarter a meeting discusses: attached on the event's evaluation page, shown on its agenda
page to organisers and pimpinan, said to be partial when it is."""

from sqlalchemy import func, select

from app.extensions import db
from evaluation.models import EventEvaluation
from tests.evaluation.fixtures import realisation


def _quarter(opds, quarter, *, year=2026, spent=60):
    db.session.add_all(realisation(o.id, 100, spent, 50, year=year, quarter=quarter) for o in opds)
    db.session.commit()


def test_the_organiser_attaches_a_quarter_with_data_and_only_such_a_quarter(
    make_event, city, login_as
):
    event = make_event("sm-iii")
    _quarter([city["dinkes"]], 3)
    organiser = login_as("organiser")
    page = organiser.submit("/events/sm-iii/evaluasi", {"quarter_choice": "2026-3"})
    assert page.status_code == 302
    attached = db.session.scalar(select(EventEvaluation))
    assert (attached.event_id, attached.year, attached.quarter) == (event.id, 2026, 3)
    # A quarter without data, or no quarter at all, changes nothing and says why.
    for bad in ("2026-2", "", "2026-x"):
        page = organiser.submit(
            "/events/sm-iii/evaluasi", {"quarter_choice": bad}, follow_redirects=True
        ).get_data(as_text=True)
        assert "Peringkat yang dibahas: " in page, bad
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(EventEvaluation)) == 1
    assert db.session.scalar(select(EventEvaluation.quarter)) == 3
    # Pimpinan see it, but do not change it.
    assert (
        login_as("viewer")
        .submit("/events/sm-iii/evaluasi", {"quarter_choice": "2026-3"})
        .status_code
        == 403
    )


def test_the_meetings_agenda_page_shows_its_ranking_to_organisers_and_pimpinan(
    make_event, city, login_as, client
):
    event = make_event("sm-iii")
    db.session.add(realisation(city["dinkes"].id, 100, 40, 50))
    db.session.add(EventEvaluation(event_id=event.id, year=2026, quarter=3))
    db.session.commit()
    for who in (login_as("viewer"), login_as("organiser")):
        page = who.get("/events/sm-iii/").get_data(as_text=True)
        assert (
            "Evaluasi kinerja: realisasi 2026 TW3" in page
            and "1 OPD di bawah ambang batas: DINKES" in page
        )
    assert "Evaluasi kinerja" not in client.get("/events/sm-iii/").get_data(as_text=True)
    assert "Evaluasi kinerja: realisasi" not in login_as("opd", opd=city["dinkes"]).get(
        "/events/sm-iii/"
    ).get_data(as_text=True)


def test_the_meetings_evaluation_says_when_its_quarter_is_partial(make_event, city, login_as):
    event = make_event("sm-iv")
    _quarter([city["dinkes"]], 4, spent=40)
    db.session.add(EventEvaluation(event_id=event.id, year=2026, quarter=4))
    db.session.commit()
    viewer = login_as("viewer")
    panel = viewer.get("/events/sm-iv/").get_data(as_text=True)
    assert "Total 1 perangkat daerah berdata 40,0%" in panel
    assert "data 1 dari 3 perangkat daerah" in panel and "Total kota" not in panel
    page = viewer.get("/events/sm-iv/evaluasi").get_data(as_text=True)
    assert "Data 2026 TW4 belum lengkap: data 1 dari 3 perangkat daerah." in page
    assert "2026 TW4 (sebagian: data 1 dari 3 perangkat daerah)" in login_as("organiser").get(
        "/events/sm-iv/evaluasi"
    ).get_data(as_text=True)
    # Complete, it is the city's total again.
    _quarter([city["dpupr"], city["bappeda"]], 4, spent=40)
    panel = viewer.get("/events/sm-iv/").get_data(as_text=True)
    assert "Total kota 40,0%" in panel and "perangkat daerah berdata" not in panel
