"""Routes take only the methods they handle (issue 27): a read-only page answers 405 to a POST,
and a page that accepts POST reads what is posted."""

import inspect

from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from followup.models import PriorityProgram
from tests.pages import PASSWORD, page_urls, seed_demo

# What shows that a view handles a POST: it validates a form or branches on the method.
READS_POST = ("validate_on_submit", "request.method", "request.form")


def test_every_page_that_takes_get_and_post_handles_the_post(app):
    lazy = []
    for rule in app.url_map.iter_rules():
        if {"GET", "POST"} <= rule.methods:
            source = inspect.getsource(inspect.unwrap(app.view_functions[rule.endpoint]))
            if not any(sign in source for sign in READS_POST):
                lazy.append(f"{rule.rule} ({rule.endpoint})")
    assert lazy == []


def test_a_post_to_a_read_only_page_is_refused_with_405(app, client):
    accounts = seed_demo()
    db.session.commit()
    client.login(accounts["admin"], PASSWORD)
    opd_id = db.session.scalar(select(User.opd_id).where(User.email == accounts["opd"]))
    adapter = app.url_map.bind("localhost")
    read_only = [
        url
        for _endpoint, url in page_urls(app, opd_id)
        if "POST" not in adapter.allowed_methods(url.split("?")[0])
    ]
    assert "/tindak-lanjut/program-prioritas" in read_only
    assert len(read_only) > 50  # from the URL map, not a hand-picked list
    answers = {url: client.submit(url, {}).status_code for url in read_only}
    assert {url: code for url, code in answers.items() if code != 405} == {}


def test_posting_to_the_priority_program_list_changes_nothing(app, client, make_user):
    make_user("organiser", email="panitia@example.go.id")
    client.login("panitia@example.go.id")
    before = db.session.scalar(select(func.count()).select_from(PriorityProgram))
    response = client.submit(
        "/tindak-lanjut/program-prioritas",
        {"year": "2026", "number": "1", "name": "Program lewat jalan belakang"},
    )
    assert response.status_code == 405
    assert db.session.scalar(select(func.count()).select_from(PriorityProgram)) == before
