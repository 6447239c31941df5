"""Attendance as organisers read it: statuses, marks, the dashboard, the official lists."""

import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert, select

from agenda.services import to_utc
from app.audit.models import AuditEntry
from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance import recap, services
from attendance.models import AttendanceMark, CheckIn
from participants.models import Person, Registration


@pytest.fixture
def meeting(make_event, make_session):
    """A one-day meeting in the past with one attendance session 09:00–10:00 WIB."""
    event = make_event(start=to_zone(utcnow()).date() - timedelta(days=3))
    session = make_session(event, "09:00", "10:00", takes_attendance=True, title="Arahan")
    return event, session


def _at(event, clock: str):
    return to_utc(
        datetime.combine(event.start_date, datetime.strptime(clock, "%H:%M").time()), event.timezone
    )


def test_on_time_late_excused_and_absent(meeting, make_registration, check_in, request_ctx):
    event, session = meeting
    on_time = make_registration(event, status="confirmed")
    late = make_registration(event, status="confirmed")
    excused = make_registration(event, status="confirmed")
    absent = make_registration(event, status="invited")
    declined = make_registration(event, status="declined")
    check_in(on_time, session, _at(event, "09:10"))
    check_in(late, session, _at(event, "09:16"))  # 15 minutes' grace by default
    services.mark_absence(event, excused, event.start_date, session, "sakit", "Opname")
    db.session.commit()

    sheet = services.sheet(event, session=session)
    status = {row.registration.id: row.status for row in sheet.rows}

    assert status == {
        on_time.id: "hadir",
        late.id: "terlambat",
        excused.id: "sakit",
        absent.id: "tidak_hadir",  # the session is over
    }
    assert declined.id not in status
    assert (sheet.present, sheet.expected) == (2, 4)


def test_grace_period_is_per_session(meeting, make_registration, check_in, request_ctx):
    event, session = meeting
    session.late_after_minutes = 0
    db.session.commit()
    registration = make_registration(event, status="confirmed")
    check_in(registration, session, _at(event, "09:01"))
    assert services.sheet(event, session=session).rows[0].status == "terlambat"


def test_a_delegate_counts_for_the_heads_opd(
    meeting, make_registration, make_person, make_opd, check_in, request_ctx
):
    event, session = meeting
    dinkes = make_opd("DINKES")
    head = make_registration(event, make_person(opd=dinkes), status="delegated")
    outsider = make_person(opd=None, institution="Puskesmas Batu")
    delegate = make_registration(event, outsider, status="confirmed", delegate_of_id=head.id)
    check_in(delegate, None, _at(event, "08:30"))

    door = services.sheet(event, event.start_date)
    [group] = door.by_opd()
    assert group["opd"].code == "DINKES" and (group["present"], group["expected"]) == (1, 1)


def test_marks_are_audited_and_refuse_unknown_reasons(
    meeting, make_registration, make_event, request_ctx
):
    event, _session = meeting
    registration = make_registration(event, status="confirmed")
    services.mark_absence(event, registration, event.start_date, None, "dinas_luar", "Ke Jakarta")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "AttendanceMark"))
    assert entry.action == "create" and entry.changes["status"] == [None, "dinas_luar"]

    with pytest.raises(services.AttendanceError):
        services.mark_absence(event, registration, event.start_date, None, "cuti")
    other = make_registration(make_event(), status="confirmed")
    with pytest.raises(services.AttendanceError):
        services.mark_absence(event, other, event.start_date, None, "izin")


def test_organiser_marks_and_checks_in_from_the_list(meeting, make_registration, login_as):
    event, session = meeting
    forgot_pass = make_registration(event, status="confirmed")
    ill = make_registration(event, status="confirmed")
    organiser = login_as("organiser")
    day = event.start_date.isoformat()

    organiser.submit(
        f"/events/{event.slug}/attendance/checkin",
        {"registration_id": forgot_pass.id, "day": day, "session_id": session.id},
    )
    response = organiser.submit(
        f"/events/{event.slug}/attendance/mark",
        {"registration_id": ill.id, "day": day, "session_id": session.id, "status": "sakit"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Keterangan" in html and "disimpan" in html

    checkin = db.session.scalar(select(CheckIn).where(CheckIn.registration_id == forgot_pass.id))
    assert checkin.method == "manual" and checkin.result == "ok"
    assert checkin.checked_at == session.starts_at  # recorded afterwards: from the start
    assert (
        db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "CheckIn"))
        == "checkin"
    )
    mark = db.session.scalar(select(AttendanceMark).where(AttendanceMark.registration_id == ill.id))
    assert mark.status == "sakit"


def test_bad_marks_change_nothing(meeting, make_registration, make_event, login_as):
    event, _session = meeting
    organiser = login_as("organiser")
    other_event_registration = make_registration(make_event(), status="confirmed")
    day = event.start_date.isoformat()
    response = organiser.submit(
        f"/events/{event.slug}/attendance/mark",
        {"registration_id": other_event_registration.id, "day": day, "status": "izin"},
    )
    assert response.status_code == 404
    registration = make_registration(event, status="confirmed")
    response = organiser.submit(
        f"/events/{event.slug}/attendance/mark",
        {"registration_id": registration.id, "day": day, "status": "cuti"},
        follow_redirects=True,
    )
    assert "tidak lengkap" in response.get_data(as_text=True)
    assert db.session.scalars(select(AttendanceMark)).all() == []
    assert (
        login_as("viewer")
        .submit(
            f"/events/{event.slug}/attendance/mark",
            {"registration_id": registration.id, "day": day, "status": "izin"},
        )
        .status_code
        == 403
    )


def test_daftar_hadir_has_a_row_per_expected_participant_and_times_of_who_came(
    meeting, make_registration, make_person, check_in, login_as
):
    from datetime import time

    event, session = meeting
    came = [
        make_registration(event, make_person(f"Peserta Hadir {i}"), status="confirmed")
        for i in range(3)
    ]
    make_registration(event, make_person("Peserta Absen"), status="confirmed")
    make_registration(event, make_person("Peserta Menolak"), status="declined")
    for registration in came:
        check_in(registration, session, _at(event, "09:05"))
    organiser = login_as("organiser")

    xlsx = organiser.get(f"/events/{event.slug}/daftar-hadir.xlsx?session={session.id}")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "No")
    header, lines = rows[start], rows[start + 1 :]
    assert {"Nama", "NIP", "OPD", "Waktu hadir"} <= set(header)
    at = dict((row[header.index("Nama")], row[header.index("Waktu hadir")]) for row in lines)
    assert at == {
        "Peserta Hadir 0": time(9, 5),
        "Peserta Hadir 1": time(9, 5),
        "Peserta Hadir 2": time(9, 5),
        "Peserta Absen": None,
    }

    pdf = organiser.get(f"/events/{event.slug}/daftar-hadir.pdf?session={session.id}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "DAFTAR HADIR" in text and "Arahan" in text
    assert all(f"Peserta Hadir {i}" in text for i in range(3)) and "Peserta Absen" in text
    assert "Peserta Menolak" not in text
    assert "3 hadir dari 4 diharapkan; 1 tidak hadir" in text
    assert "Halaman 1 dari 1" in text

    door = organiser.get(f"/events/{event.slug}/daftar-hadir.xlsx?day={event.start_date}")
    door_rows = list(load_workbook(io.BytesIO(door.data)).active.iter_rows(values_only=True))
    assert len(door_rows) - [row[0] for row in door_rows].index("No") - 1 == 4
    assert (
        organiser.get(f"/events/{event.slug}/daftar-hadir.xlsx?day=1999-01-01").status_code == 404
    )
    assert login_as("operator").get(f"/events/{event.slug}/daftar-hadir.pdf").status_code == 403


def test_attendance_api_lists_status_and_first_checkin(
    meeting, make_registration, check_in, login_as
):
    event, session = meeting
    came = make_registration(event, status="confirmed")
    make_registration(event, status="confirmed")
    check_in(came, None, _at(event, "08:40"))
    body = login_as("organiser").get(f"/api/v1/events/{event.slug}/attendance").get_json()
    by_id = {row["registration_id"]: row for row in body["attendance"]}
    assert by_id[came.id]["status"] == "hadir"
    assert by_id[came.id]["checked_in_at"] == f"{event.start_date.isoformat()}T01:40:00Z"
    assert sorted(row["status"] for row in body["attendance"]) == ["hadir", "tidak_hadir"]


def _bulk_registrations(event, opd, count, start):
    db.session.execute(
        insert(Person),
        [
            {
                "name": f"Peserta {start + i}",
                "level": "fungsional",
                "opd_id": opd.id,
                "phone": "0812",
            }
            for i in range(count)
        ],
    )
    ids = db.session.scalars(select(Person.id).where(Person.name.like("Peserta %"))).all()
    taken = set(db.session.scalars(select(Registration.person_id)))
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "person_id": pid,
                "status": "confirmed",
                "pass_token": f"p{pid}",
                "link_token": f"l{pid}",
            }
            for pid in ids
            if pid not in taken
        ],
    )
    db.session.commit()


def test_dashboard_and_list_run_a_constant_number_of_queries(
    meeting, make_opd, check_in, login_as, count_queries
):
    event, session = meeting
    opd = make_opd()
    organiser = login_as("organiser")
    counts = []
    for size, start in ((20, 0), (980, 20)):
        _bulk_registrations(event, opd, size, start)
        for registration in db.session.scalars(
            select(Registration).where(Registration.event_id == event.id).limit(10)
        ):
            if not db.session.scalar(
                select(CheckIn.id).where(CheckIn.registration_id == registration.id)
            ):
                check_in(registration, session, _at(event, "09:02"))
        day = event.start_date.isoformat()
        with count_queries() as dashboard:
            assert organiser.get(f"/events/{event.slug}/attendance?day={day}").status_code == 200
        with count_queries() as listing:
            assert (
                organiser.get(
                    f"/events/{event.slug}/attendance/list?session={session.id}"
                ).status_code
                == 200
            )
        with count_queries() as api:
            organiser.get(f"/api/v1/events/{event.slug}/attendance")
        counts.append((dashboard.count, listing.count, api.count))
    assert counts[0] == counts[1]


def test_the_personal_page_shows_own_attendance(meeting, make_registration, check_in, client):
    event, session = meeting
    registration = make_registration(event, status="confirmed")
    check_in(registration, session, _at(event, "09:20"))
    html = client.get(f"/p/{registration.link_token}/").get_data(as_text=True)
    assert "Kehadiran Anda" in html
    assert "Terlambat" in html and "09.20 WIB" in html
    assert "Kedatangan" in html  # the day, besides the session


def test_series_recap_tells_in_person_delegated_excused_and_absent(
    make_event, make_registration, make_person, make_opd, check_in, login_as
):
    from agenda.models import EventSeries

    series = EventSeries(title="Strategic Meeting 2026")
    db.session.add(series)
    db.session.commit()
    past = to_zone(utcnow()).date() - timedelta(days=60)
    first = make_event(title="SM I", start=past, series_id=series.id)
    second = make_event(title="SM II", start=past + timedelta(days=30), series_id=series.id)
    dinkes = make_opd("DINKES", name="Dinas Kesehatan")
    head = make_person("dr. Kepala Dinkes", opd=dinkes)
    secretary = make_person("Sekretaris Dinkes", opd=dinkes)
    check_in(make_registration(first, head, status="confirmed"), None, _at(first, "08:00"))
    excused = make_registration(first, secretary, status="confirmed")
    services.mark_absence(first, excused, first.start_date, None, "dinas_luar")
    db.session.commit()
    away = make_registration(second, head, status="delegated")
    stand_in = make_registration(
        second, make_person("Kabid Dinkes", opd=dinkes), status="confirmed", delegate_of_id=away.id
    )
    check_in(stand_in, None, _at(second, "08:00"))
    make_registration(second, secretary, status="confirmed")  # never came

    events, rows = recap.series_recap(series)
    assert [e.title for e in events] == ["SM I", "SM II"]
    [(opd, cells)] = rows
    assert opd.code == "DINKES"
    assert vars(cells[first.id]) == {"in_person": 1, "delegated": 0, "excused": 1, "absent": 0}
    assert vars(cells[second.id]) == {"in_person": 0, "delegated": 1, "excused": 0, "absent": 1}

    viewer = login_as("viewer")
    assert "Rekap kehadiran per OPD" in viewer.get(f"/attendance/series/{series.id}").get_data(
        as_text=True
    )
    book = load_workbook(io.BytesIO(viewer.get(f"/attendance/series/{series.id}?format=xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("OPD", "SM I: hadir", "SM I: diwakili")
    assert rows[1] == ("Dinas Kesehatan", 1, 0, 1, 0, 0, 1, 0, 1)


def test_the_organiser_sets_the_grace_period_in_the_session_form(make_event, login_as):
    from agenda.models import Session

    event = make_event(status="draft")
    organiser = login_as("organiser")
    form = {
        "title": "Apel pagi",
        "kind": "ceremony",
        "day": event.start_date.isoformat(),
        "start_time": "07:30",
        "end_time": "08:00",
        "room_id": "0",
        "takes_attendance": "y",
    }
    organiser.submit(
        f"/manage/events/{event.slug}/sessions/new", {**form, "late_after_minutes": "5"}
    )
    organiser.submit(f"/manage/events/{event.slug}/sessions/new", {**form, "title": "Apel siang"})
    response = organiser.submit(
        f"/manage/events/{event.slug}/sessions/new", {**form, "late_after_minutes": "-1"}
    )
    assert response.status_code == 200  # the form again, with its message
    minutes = dict(db.session.execute(select(Session.title, Session.late_after_minutes)).all())
    assert minutes == {"Apel pagi": 5, "Apel siang": 15}


def test_logging_out_clears_the_devices_copy(login_as):
    operator = login_as("operator")
    response = operator.submit("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
