"""The check-in API as devices use it (contract in DESIGN.md): every result, idempotency, races,
offline batches, bad input, authentication, rate limits."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth import services as user_services
from app.extensions import db
from app.timeutil import rfc3339, to_zone, utcnow
from attendance.models import CheckIn
from participants import passes
from tests.attendance.fixtures import nonce, post_scans


@pytest.fixture
def today_event(make_event):
    return make_event(start=to_zone(utcnow()).date())


@pytest.fixture
def operator(login_as):
    return login_as("operator")


def _rows(**where):
    query = select(CheckIn)
    for key, value in where.items():
        query = query.where(getattr(CheckIn, key) == value)
    return db.session.scalars(query.order_by(CheckIn.id)).all()


def test_a_valid_pass_checks_in_with_who_it_is(
    operator, today_event, make_registration, make_person, make_opd
):
    opd = make_opd("DINKES", name="Dinas Kesehatan")
    person = make_person("dr. Sri Wahyuni, M.Kes.", opd=opd, position="Kepala Dinas Kesehatan")
    registration = make_registration(today_event, person, status="confirmed")

    response = post_scans(operator, today_event, [{"code": registration.pass_token}])

    assert response.status_code == 200
    [answer] = response.get_json()["results"]
    assert answer["result"] == "ok"
    assert answer["registration"]["id"] == registration.id
    assert answer["registration"]["name"] == "dr. Sri Wahyuni, M.Kes."
    assert answer["registration"]["position"] == "Kepala Dinas Kesehatan"
    assert answer["registration"]["role"] == "peserta"
    assert answer["registration"]["opd"] == {"code": "DINKES", "name": "Dinas Kesehatan"}
    assert answer["first_checked_at"].endswith("Z")
    [row] = _rows(registration_id=registration.id)
    assert row.result == "ok" and row.operator_id == operator.user.id


def test_second_scan_is_a_duplicate_with_the_first_time(operator, today_event, make_registration):
    registration = make_registration(today_event, status="confirmed")
    first = post_scans(operator, today_event, [{"code": registration.pass_token}]).get_json()
    again = post_scans(operator, today_event, [{"code": registration.pass_token}]).get_json()

    assert again["results"][0]["result"] == "duplicate"
    assert again["results"][0]["first_checked_at"] == first["results"][0]["first_checked_at"]
    assert [r.result for r in _rows(registration_id=registration.id)] == ["ok", "duplicate"]


def test_failed_scans_say_why_and_are_kept_with_their_raw_code(
    operator, today_event, make_event, make_registration, make_session
):
    replaced = make_registration(today_event, status="confirmed")
    old_token = replaced.pass_token
    passes.reissue(replaced)
    db.session.commit()
    cancelled = make_registration(today_event, status="cancelled")
    elsewhere = make_registration(make_event(), status="confirmed")
    group_b = make_registration(today_event, status="confirmed", group="Kelompok B")
    session_a = make_session(today_event, "09:00", "10:00", track="Kelompok A")

    answers = post_scans(
        operator,
        today_event,
        [
            {"code": old_token},
            {"code": cancelled.pass_token},
            {"code": elsewhere.pass_token},
            {"code": group_b.pass_token, "session_id": session_a.id},
            {"code": "FOTOKOPI-KARTU"},
        ],
    ).get_json()["results"]

    assert [a["result"] for a in answers] == [
        "revoked",
        "revoked",
        "wrong_event",
        "not_in_session",
        "unknown",
    ]
    # Nothing of another event's participant is told to this event's door.
    assert answers[2]["registration"] is None
    assert answers[4]["registration"] is None
    assert answers[3]["registration"]["group"] == "Kelompok B"
    stored = {row.result: row for row in _rows(event_id=today_event.id)}
    assert stored["unknown"].raw_code == "FOTOKOPI-KARTU"
    assert stored["wrong_event"].raw_code == elsewhere.pass_token
    assert all(row.ok_key is None for row in stored.values())


def test_the_same_nonce_again_gets_the_same_answer_and_no_new_row(
    operator, today_event, make_registration
):
    registration = make_registration(today_event, status="confirmed")
    scan = {"code": registration.pass_token, "nonce": nonce()}

    first = post_scans(operator, today_event, [scan]).get_json()
    again = post_scans(operator, today_event, [scan]).get_json()

    assert again == first
    assert len(_rows(registration_id=registration.id)) == 1


def test_an_offline_batch_uploaded_twice_is_stored_once_and_marked_late(
    operator, today_event, make_registration
):
    people = [make_registration(today_event, status="confirmed") for _ in range(3)]
    taken = utcnow() - timedelta(minutes=40)
    batch = [{"code": r.pass_token, "nonce": nonce(), "scanned_at": rfc3339(taken)} for r in people]

    first = post_scans(operator, today_event, batch).get_json()
    retried = post_scans(operator, today_event, batch).get_json()

    assert [a["result"] for a in first["results"]] == ["ok", "ok", "ok"]
    assert retried == first
    rows = _rows(event_id=today_event.id)
    assert len(rows) == 3
    assert all(row.late_upload for row in rows)
    # The moment it was taken counts, not the upload.
    assert all(abs(row.checked_at - taken) < timedelta(seconds=1) for row in rows)


def test_a_device_clock_far_off_is_not_believed(operator, today_event, make_registration):
    registration = make_registration(today_event, status="confirmed")
    post_scans(
        operator,
        today_event,
        [{"code": registration.pass_token, "scanned_at": "2001-01-01T08:00:00Z"}],
    )
    [row] = _rows(registration_id=registration.id)
    assert abs(row.checked_at - utcnow()) < timedelta(minutes=1)


def test_two_devices_scanning_one_pass_at_once_give_one_ok(app, today_event, make_registration):
    """The database decides (unique ok_key), not a read-then-write: run against PostgreSQL
    in CI as well as SQLite."""
    from attendance.checkins import Place, Scan, record_scan

    registration = make_registration(today_event, status="confirmed")
    place, token = Place.of(today_event), registration.pass_token
    barrier, answers = threading.Barrier(4), []

    def device():
        with app.app_context():
            barrier.wait()
            answers.append(record_scan(place, Scan(code=token, nonce=nonce())))
            db.session.remove()

    threads = [threading.Thread(target=device) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a["result"] for a in answers) == ["duplicate", "duplicate", "duplicate", "ok"]
    assert {a["first_checked_at"] for a in answers} == {
        next(a for a in answers if a["result"] == "ok")["first_checked_at"]
    }
    assert [r.result for r in _rows(registration_id=registration.id)].count("ok") == 1


GOOD = {"code": "x", "nonce": "n" * 20}


@pytest.mark.parametrize(
    "body, field, problem",
    [
        ("not json", "body", "bukan JSON"),
        ({"scans": []}, "scans", "minimal 1"),
        ({"scans": [GOOD] * 201}, "scans", "maksimal 200"),
        ({"scans": "x"}, "scans", "daftar"),
        ({"scans": ["x"]}, "scans[0]", "objek"),
        ({"scans": [GOOD, "x"]}, "scans[1]", "objek"),
        ({}, "scans", "wajib diisi"),
        ({"scans": [{"code": "x"}]}, "scans[0].nonce", "wajib diisi"),
        ({"scans": [{"code": "x", "nonce": "short"}]}, "scans[0].nonce", "minimal 8"),
        ({"scans": [{"code": "x", "nonce": "n" * 65}]}, "scans[0].nonce", "maksimal 64"),
        ({"scans": [{**GOOD, "code": "x" * 201}]}, "scans[0].code", "maksimal 200"),
        ({"scans": [{**GOOD, "code": "ab\x00cd"}]}, "scans[0].code", "karakter kendali"),
        ({"scans": [{**GOOD, "code": "ab\ncd"}]}, "scans[0].code", "karakter kendali"),
        ({"scans": [{"code": "x", "nonce": "nonce\x00nonce"}]}, "scans[0].nonce", "kendali"),
        ({"scans": [{**GOOD, "code": 12345}]}, "scans[0].code", "teks"),
        ({"scans": [{"nonce": "n" * 20}]}, "scans[0]", "code atau registration_id"),
        ({"scans": [{**GOOD, "scanned_at": "2025-08-04T08:00:00"}]}, "scanned_at", "RFC 3339"),
        ({"scans": [{**GOOD, "scanned_at": 1754294400}]}, "scans[0].scanned_at", "RFC 3339"),
        ({"scans": [{**GOOD, "session_id": "3"}]}, "scans[0].session_id", "bilangan bulat"),
        ({"scans": [{**GOOD, "session_id": 2**70}]}, "scans[0].session_id", "maksimal"),
        ({"scans": [{**GOOD, "session_id": 2**31}]}, "scans[0].session_id", "maksimal"),
        ({"scans": [{**GOOD, "session_id": 0}]}, "scans[0].session_id", "minimal 1"),
        ({"scans": [{**GOOD, "session_id": True}]}, "scans[0].session_id", "bilangan bulat"),
        ({"scans": [{"nonce": "n" * 20, "registration_id": -1}]}, "registration_id", "minimal"),
    ],
)
def test_malformed_batches_are_refused_naming_the_field_and_change_nothing(
    operator, today_event, body, field, problem
):
    headers = {"X-CSRFToken": operator.csrf_token()}
    url = f"/api/v1/events/{today_event.slug}/checkins"
    response = (
        operator.post(url, data=body, headers=headers, content_type="application/json")
        if isinstance(body, str)
        else operator.post(url, json=body, headers=headers)
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == 422
    assert field in error["message"] and problem in error["message"]
    assert any(field in name and problem in text for name, text in error["fields"].items())
    assert _rows() == []


def test_a_body_that_is_not_json_is_refused_by_its_content_type(client, make_user, today_event):
    token = user_services.issue_token(make_user("operator"))
    db.session.commit()
    response = client.post(
        f"/api/v1/events/{today_event.slug}/checkins",
        data={"scans": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "application/json" in response.get_json()["error"]["message"]
    assert _rows() == []


def test_a_session_of_another_event_refuses_the_whole_batch(
    operator, today_event, make_event, make_session, make_registration
):
    other_session = make_session(make_event(), "09:00", "10:00")
    registration = make_registration(today_event, status="confirmed")
    response = post_scans(
        operator,
        today_event,
        [{"code": registration.pass_token}, {"code": "x", "session_id": other_session.id}],
    )
    assert response.status_code == 422
    assert "bukan bagian" in response.get_json()["error"]["message"]
    assert _rows() == []


def test_cookie_requests_need_the_csrf_header_bearer_tokens_do_not(
    client, make_user, operator, today_event, make_registration
):
    registration = make_registration(today_event, status="confirmed")
    url = f"/api/v1/events/{today_event.slug}/checkins"
    body = {"scans": [{"code": registration.pass_token, "nonce": nonce()}]}
    assert operator.post(url, json=body).status_code == 400
    assert _rows() == []

    device_user = make_user("operator")
    token = user_services.issue_token(device_user)
    db.session.commit()
    response = client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["results"][0]["result"] == "ok"


def test_who_may_scan(client, login_as, today_event, make_registration):
    registration = make_registration(today_event, status="confirmed")
    body = [{"code": registration.pass_token}]
    assert client.post(f"/api/v1/events/{today_event.slug}/checkins", json={}).status_code == 401
    for role in ("opd", "viewer"):
        assert post_scans(login_as(role), today_event, body).status_code == 403
    for role in ("organiser", "admin"):
        assert post_scans(login_as(role), today_event, body).status_code == 200


def test_scans_are_rate_limited_per_account_whatever_device_id_is_sent(
    app, operator, login_as, today_event
):
    app.config["CHECKIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [post_scans(operator, today_event, [{"code": "x"}]).status_code for _ in range(4)]
        # A new X-Sinergi-Device is the client's own choice: it must not reset the budget.
        new_device_ids = [
            post_scans(
                operator, today_event, [{"code": "x"}], **{"X-Sinergi-Device": f"pintu-{n}"}
            ).status_code
            for n in range(3)
        ]
        other_operator = post_scans(login_as("operator"), today_event, [{"code": "x"}])
    finally:
        app.config["CHECKIN_RATE_LIMIT"] = "120 per minute"
    assert codes == [200, 200, 200, 429]
    assert new_device_ids == [429, 429, 429]
    assert other_operator.status_code == 200  # another account has its own budget


def test_a_scan_costs_a_few_sql_statements(operator, today_event, make_registration, count_queries):
    registrations = [make_registration(today_event, status="confirmed") for _ in range(6)]
    headers = {"X-CSRFToken": operator.csrf_token()}
    assert today_event.slug  # loaded here, not counted below
    scans = [{"code": r.pass_token} for r in registrations[:1]]
    with count_queries() as one:
        post_scans(operator, today_event, scans, **headers)
    scans = [{"code": r.pass_token} for r in registrations[1:]]
    with count_queries() as five:
        post_scans(operator, today_event, scans, **headers)
    # The request: the user, then the event with every pass of the batch in one read; per
    # scan one insert (which decides ok or duplicate), nothing else.
    per_scan = (five.count - one.count) / 4
    assert per_scan == 1, five.statements
    assert one.count <= 3, "\n".join(s[:90].replace("\n", " ") for s in one.statements)
    reads = [s for s in five.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 2, reads  # however long the batch


def test_the_roster_carries_hashes_not_tokens(operator, today_event, make_registration):
    registration = make_registration(today_event, status="confirmed")
    old = registration.pass_token
    passes.reissue(registration)
    db.session.commit()
    post_scans(operator, today_event, [{"code": registration.pass_token}])

    roster = operator.get(f"/api/v1/events/{today_event.slug}/roster")
    text = roster.get_data(as_text=True)

    assert roster.headers["Cache-Control"] == "no-store"
    assert registration.pass_token not in text and old not in text
    from attendance.checkins import pass_hash

    body = roster.get_json()
    assert body["passes"][pass_hash(registration.pass_token)]["id"] == registration.id
    assert body["revoked"] == [pass_hash(old)]
    assert body["revoked_of"] == {pass_hash(old): registration.id}  # whose it was, by id
    day = to_zone(utcnow()).date().isoformat()
    assert body["checked_in"] == {f"d{day}": [registration.id]}
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_a_scan_costs_one_read_of_the_pass_and_one_insert(
    client, make_user, today_event, make_registration, make_person, make_opd, count_queries
):
    """A device's request with one scan: the operator from the token, the event with the
    pass (its person and OPD) in one read, and one insert that decides ok or duplicate and
    returns the first ``ok``; no pre-ping, no second read for a duplicate."""
    opd = make_opd("BAPPEDA", name="Badan Perencanaan")
    registration = make_registration(
        today_event, make_person("Ir. Budi", opd=opd), status="confirmed"
    )
    device_user = make_user("operator")
    token = user_services.issue_token(device_user)
    db.session.commit()
    url = f"/api/v1/events/{today_event.slug}/checkins"
    headers = {"Authorization": f"Bearer {token}"}
    answers, counts, sent = [], [], []
    for _ in range(2):  # ok, then duplicate
        sent.append(nonce())
        body = {"scans": [{"code": registration.pass_token, "nonce": sent[-1]}]}
        with count_queries() as counter:
            response = client.post(url, json=body, headers=headers)
        answers.append(response.get_json()["results"][0])
        counts.append(
            [
                s
                for s in counter.statements
                if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))
            ]
        )

    assert [a["result"] for a in answers] == ["ok", "duplicate"]
    assert answers[1]["first_checked_at"] == answers[0]["first_checked_at"]
    assert answers[1]["registration"]["opd"] == {"code": "BAPPEDA", "name": "Badan Perencanaan"}
    for statements in counts:
        assert len(statements) == 3, statements  # user, event with the pass, insert
        assert sum(s.lstrip().upper().startswith("INSERT") for s in statements) == 1
    assert [r.result for r in _rows(registration_id=registration.id)] == ["ok", "duplicate"]
    assert [r.nonce for r in _rows(registration_id=registration.id)] == sent
    assert db.engine.pool._pre_ping is False  # no SELECT 1 round trip before each request


def _refusing(nonce_value):
    """A trigger that makes the database refuse the insert of one scan (a constraint of the
    database's own, as a registration deleted under the scan would be)."""
    if db.engine.dialect.name == "sqlite":
        create = [
            "CREATE TRIGGER refuse_scan BEFORE INSERT ON checkin"
            f" WHEN NEW.nonce = '{nonce_value}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ]
        drop = ["DROP TRIGGER refuse_scan"]
    else:
        create = [
            "CREATE FUNCTION refuse_scan() RETURNS trigger AS $$ BEGIN"
            f" IF NEW.nonce = '{nonce_value}' THEN RAISE EXCEPTION 'refused'"
            " USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_scan BEFORE INSERT ON checkin"
            " FOR EACH ROW EXECUTE FUNCTION refuse_scan()",
        ]
        drop = ["DROP TRIGGER refuse_scan ON checkin", "DROP FUNCTION refuse_scan()"]
    return create, drop


def test_a_scan_the_database_refuses_loses_none_of_the_others(today_event, make_registration):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from attendance.checkins import Scan, record_batch

    registrations = [make_registration(today_event, status="confirmed") for _ in range(3)]
    db.session.commit()
    scans = [Scan(code=r.pass_token, nonce=nonce()) for r in registrations]
    create, drop = _refusing(scans[1].nonce)
    for statement in create:
        db.session.execute(text(statement))
    db.session.commit()
    try:
        with pytest.raises(IntegrityError):
            record_batch(today_event, scans)
        db.session.rollback()
        stored = {(r.nonce, r.result) for r in _rows()}
    finally:
        db.session.rollback()
        for statement in drop:
            db.session.execute(text(statement))
        db.session.commit()
    assert stored == {(scans[0].nonce, "ok"), (scans[2].nonce, "ok")}


def test_the_scan_shows_each_participant_as_the_roster_does(
    operator, today_event, make_registration, make_person, make_opd
):
    """An acting head (the office as position), a delegate (counting for the head's OPD) and
    a guest (an institution): the answer read for the scan is the roster's, and a pass twice
    in one batch is an ok then a duplicate of it."""
    from attendance.checkins import Shown, registration_dict

    dinkes, bappeda = make_opd("DINKES", name="Dinas Kesehatan"), make_opd("BAPPEDA")
    acting = make_person("Plt Kadinkes", opd=dinkes, position="Sekretaris", head="plt")
    head = make_registration(today_event, make_person(opd=dinkes), status="delegated")
    registrations = [
        make_registration(today_event, acting, status="confirmed"),
        make_registration(
            today_event, make_person(opd=bappeda), status="confirmed", delegate_of_id=head.id
        ),
        make_registration(
            today_event, make_person("Tamu", institution="Universitas Brawijaya"), role="narasumber"
        ),
    ]
    codes = [r.pass_token for r in registrations]

    answers = post_scans(operator, today_event, [{"code": c} for c in [*codes, codes[0]]])

    results = answers.get_json()["results"]
    expected = [registration_dict(Shown.of(db.session.get(type(r), r.id))) for r in registrations]
    assert [a["registration"] for a in results] == [*expected, expected[0]]
    assert expected[0]["position"].startswith("Plt.")
    assert expected[1]["opd"]["code"] == "DINKES" and expected[1]["delegate_of"]
    assert expected[2]["institution"] == "Universitas Brawijaya" and expected[2]["opd"] is None
    assert [a["result"] for a in results] == ["ok", "ok", "ok", "duplicate"]
    assert results[3]["first_checked_at"] == results[0]["first_checked_at"]


def test_two_offline_batches_with_the_same_passes_in_another_order_are_both_stored(
    app, today_event, make_registration
):
    """Door A uploads X then Y, door B Y then X, at once: on PostgreSQL each batch holds its
    first ok and waits for the other's (a deadlock); the batch chosen as its victim is
    stored scan by scan instead, and each pass still has one ok."""
    from sqlalchemy import event

    from attendance.checkins import EventRow, Scan, record_batch

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: batches never wait on each other")
    passes_ = [make_registration(today_event, status="confirmed") for _ in range(2)]
    door = EventRow(
        *(getattr(today_event, k) for k in ("id", "slug", "status", "timezone")),
        today_event.start_date,
        today_event.end_date,
    )
    codes = [r.pass_token for r in passes_]
    barrier, first_insert, answers = threading.Barrier(2, timeout=20), threading.local(), {}

    def hold_first_ok(_conn, _cursor, statement, *_args):
        # Both batches have written their first scan before either writes its second.
        if statement.startswith("INSERT INTO checkin") and not getattr(first_insert, "done", 0):
            first_insert.done = 1
            barrier.wait()

    def upload(name, order):
        with app.app_context():
            scans = [Scan(code=code, nonce=nonce()) for code in order]
            answers[name] = [a["result"] for a in record_batch(door, scans)]
            db.session.remove()

    event.listen(db.engine, "after_cursor_execute", hold_first_ok)
    try:
        doors = [
            threading.Thread(target=upload, args=("a", codes)),
            threading.Thread(target=upload, args=("b", codes[::-1])),
        ]
        for thread in doors:
            thread.start()
        for thread in doors:
            thread.join()
    finally:
        event.remove(db.engine, "after_cursor_execute", hold_first_ok)
    assert sorted(answers) == ["a", "b"]
    assert sorted(answers["a"] + answers["b"]) == ["duplicate", "duplicate", "ok", "ok"]
    assert len(_rows(result="ok")) == 2
    assert len(_rows()) == 4
