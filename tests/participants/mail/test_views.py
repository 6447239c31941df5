"""The outbox pages (participants/mail/views.py): per event and overall, filters, a constant
query count, organisers only; without a mail server the page says so, and in development mail
lands in a local folder the outbox opens."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import insert, select

from app.extensions import db
from app.timeutil import utcnow
from participants.models import OutboundMessage, Person, Registration
from tests.participants.fixtures import BASE

from .conftest import messages, publish, queue_and_send


def _bulk_messages(event, count, start=0):
    """``count`` messages to as many different participants of ``event``, in any status."""
    now = utcnow()
    numbers = range(start, start + count)
    db.session.execute(
        insert(Person),
        [{"name": f"Orang {n}", "level": "pengawas", "email": f"orang{n}@batukota.example"}
         for n in numbers],
    )  # fmt: skip
    people = dict(
        db.session.execute(
            select(Person.email, Person.id).where(
                Person.email.in_([f"orang{n}@batukota.example" for n in numbers])
            )
        ).all()
    )
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "person_id": people[f"orang{n}@batukota.example"],
                "pass_token": f"pass-{n}",
                "link_token": f"link-{n}",
            }
            for n in numbers
        ],
    )
    registrations = dict(
        db.session.execute(
            select(Registration.link_token, Registration.id).where(
                Registration.event_id == event.id
            )
        ).all()
    )
    db.session.execute(
        insert(OutboundMessage),
        [
            {
                "event_id": event.id,
                "registration_id": registrations[f"link-{n}"],
                "kind": ("invitation", "reminder")[n % 2],
                "recipient": f"orang{n}@batukota.example",
                "subject": f"Undangan {n}",
                "body": "…",
                "ics": "",
                "status": ("sent", "failed", "queued")[n % 3],
                "error": "550 ditolak" if n % 3 == 1 else "",
                "attempts": 1,
                "created_at": now,
            }
            for n in numbers
        ],
    )
    db.session.commit()


def test_overall_outbox_links_each_message_and_upcoming_event_to_its_event_page(
    meeting, make_event, login_as
):
    _bulk_messages(meeting, 2)
    make_event("rakor-depan", start=utcnow().date() + timedelta(days=7), title="Rakor Depan")
    page = login_as("organiser").get("/manage/outbox/").get_data(as_text=True)
    assert 'href="/manage/events/sm-tw3/outbox">Strategic Meeting Triwulan III</a>' in page
    assert 'href="/manage/events/rakor-depan/outbox">Rakor Depan</a>' in page


@pytest.mark.parametrize("path", ["/manage/events/sm-tw3/outbox", "/manage/outbox/"])
def test_outbox_page_costs_the_same_queries_for_5_and_100_messages(
    meeting, make_event, login_as, count_queries, path
):
    organiser = login_as("organiser")
    _bulk_messages(meeting, 5)
    organiser.get(path)  # warm up (first-request work)
    with count_queries() as few:
        response = organiser.get(path)
    assert response.status_code == 200
    _bulk_messages(meeting, 90, start=5)
    for n in range(5):  # messages of other events too (shown on the overall page)
        _bulk_messages(make_event(f"lain-{n}"), 1, start=100 + n)
    with count_queries() as many:
        response = organiser.get(path)
    page = response.get_data(as_text=True)
    assert few.count == many.count, many.statements
    assert "Orang 94" in page and "orang94@batukota.example" in page
    if path == "/manage/outbox/":
        assert "Gagal: 34" in page and "Terkirim: 33" in page and "Menunggu: 33" in page
        assert 'href="/manage/events/lain-4/outbox"' in page
    else:
        assert "Gagal: 32" in page and "Terkirim: 32" in page and "Menunggu: 31" in page
    assert "550 ditolak" in page


def test_outbox_filters_by_status_and_kind(meeting, login_as):
    _bulk_messages(meeting, 6)
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox?status=failed&kind=reminder")
    text = page.get_data(as_text=True)
    # n = 1 is failed + reminder; n = 4 is failed + invitation
    assert "orang1@batukota.example" in text
    assert "orang4@batukota.example" not in text and "orang0@batukota.example" not in text


@pytest.mark.parametrize("role", ["viewer", "operator", "opd"])
def test_only_organisers_and_admins_see_or_send(meeting, login_as, role):
    client = login_as(role)
    _bulk_messages(meeting, 1)
    (message,) = messages()
    for path in (
        "/manage/outbox/",
        "/manage/events/sm-tw3/outbox",
        "/manage/events/sm-tw3/whatsapp",
        f"/manage/outbox/{message.id}",
    ):
        assert client.get(path).status_code == 403
    assert client.submit(f"/manage/outbox/{message.id}/retry").status_code == 403
    for path in (
        "/manage/events/sm-tw3/outbox/invitations",
        "/manage/events/sm-tw3/outbox/reminders",
        "/manage/events/sm-tw3/outbox/send",
        "/manage/outbox/retry-failed",
    ):
        assert client.submit(path).status_code == 403


def test_admin_sees_the_outbox_and_posts_need_a_csrf_token(meeting, login_as):
    admin = login_as("admin")
    assert admin.get("/manage/outbox/").status_code == 200
    assert admin.get("/manage/events/sm-tw3/outbox").status_code == 200
    assert admin.post("/manage/events/sm-tw3/outbox/invitations").status_code == 400


def test_without_a_mail_server_the_outbox_says_so_and_nothing_is_lost(
    no_mail_server, meeting, login_as, make_person, make_registration
):
    make_registration(meeting, make_person(email="kadis@batukota.example"))
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    assert "Belum ada server email: isi MAIL_SERVER" in page  # before anyone clicks

    _queued, sent = queue_and_send(organiser, "invitations")
    assert "Email tetap menunggu di antrean." in sent
    assert [(m.status, m.attempts) for m in messages()] == [("queued", 0)]


def test_in_development_mail_goes_to_a_local_folder_the_outbox_links_to(
    no_mail_server, tmp_path, meeting, login_as, make_person, make_registration
):
    no_mail_server["MAIL_FOLDER"] = str(tmp_path / "mail")
    publish(meeting)
    registration = make_registration(meeting, make_person("Ayu Lestari", email="ayu@batu.example"))
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/sm-tw3/outbox").get_data(as_text=True)
    assert "Mode demo" in page and "/manage/outbox/mailbox/" in page

    queue_and_send(organiser, "invitations")
    assert [m.status for m in messages()] == ["sent"]
    (eml,) = (tmp_path / "mail").glob("*.eml")
    listing = organiser.get("/manage/outbox/mailbox/").get_data(as_text=True)
    assert "ayu@batu.example" in listing and "Strategic Meeting Triwulan III" in listing

    shown = organiser.get(f"/manage/outbox/mailbox/{eml.name}").get_data(as_text=True)
    link = f"{BASE}/p/{registration.link_token}/"
    assert f'href="{link}"' in shown  # the personal link, clickable
    assert "undangan.ics" in shown or ".ics" in shown
    attachment = organiser.get(f"/manage/outbox/mailbox/{eml.name}/part/0")
    assert attachment.headers["Content-Disposition"].startswith("attachment")
    assert Calendar.from_ical(attachment.data)["METHOD"] == "REQUEST"
    raw = organiser.get(f"/manage/outbox/mailbox/{eml.name}/raw")
    assert raw.data == eml.read_bytes()

    # Only file names the folder writer makes are opened; nothing else on disk is reachable.
    assert organiser.get("/manage/outbox/mailbox/..%2Fsecret.eml").status_code == 404
    assert organiser.get("/manage/outbox/mailbox/x.eml").status_code == 404
    viewer = login_as("viewer")
    assert viewer.get(f"/manage/outbox/mailbox/{eml.name}").status_code == 403


def test_the_local_mailbox_does_not_exist_when_a_server_sends(smtp_server, login_as):
    assert login_as("organiser").get("/manage/outbox/mailbox/").status_code == 404
