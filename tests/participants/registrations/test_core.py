"""Places and capacity (participants/registrations/core.py): a change that would exceed the
event's capacity is refused as a whole and changes nothing."""

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from participants.registrations import invitations

from .conftest import registered, submit, text_of


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
