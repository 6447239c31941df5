"""The API's edge (app/api.py): malformed paths and query strings are a 422 naming the field
before any rule or query runs (no "integer out of range" on PostgreSQL), and the OpenAPI
description is published from the same schemas."""

import pytest

from app.auth.services import issue_token
from app.extensions import db

HUGE = str(2**70)


@pytest.fixture
def organiser(login_as):
    return login_as("organiser")


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v1/action-items/{HUGE}", "item_id"),
        (f"/api/v1/action-items/{2**31}", "item_id"),
        (f"/api/v1/action-items?page={HUGE}", "page"),
        ("/api/v1/action-items?page=0", "page"),
        ("/api/v1/action-items?per_page=abc", "per_page"),
        ("/api/v1/action-items?per_page=201", "per_page"),
        ("/api/v1/action-items?status=selesai", "status"),
        ("/api/v1/action-items?event=a%00b", "event"),
        ("/api/v1/action-items?opd=" + "X" * 33, "opd"),
        ("/api/v1/realisation?year=abc&quarter=1", "year"),
        ("/api/v1/realisation?year=2026&quarter=5", "quarter"),
        ("/api/v1/realisation?year=1", "year"),
        ("/api/v1/events/{slug}/attendance?session=" + HUGE, "session"),
        ("/api/v1/events/{slug}/attendance?day=2026-13-45", "day"),
        ("/api/v1/events/{slug}/attendance?day=0", "day"),
        ("/api/v1/events/{slug}/attendance?day=", "day"),
        ("/api/v1/events/{slug}/attendance?sesion=3", "sesion"),
        ("/api/v1/action-items?stauts=sesuai", "stauts"),
        ("/api/v1/events/a%00b/sessions", "slug"),
        ("/api/v1/events/" + "a" * 81 + "/roster", "slug"),
    ],
)
def test_malformed_paths_and_queries_are_422_naming_the_field(organiser, make_event, url, field):
    event = make_event()
    response = organiser.get(url.replace("{slug}", event.slug))
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == 422 and field in error["fields"]
    assert field in error["message"]


def test_well_formed_queries_still_answer(organiser, make_event):
    event = make_event()
    assert organiser.get("/api/v1/action-items?page=2&per_page=200&event=").status_code == 200
    assert organiser.get("/api/v1/action-items?opd=TIDAK-ADA").status_code == 404
    assert organiser.get(f"/api/v1/action-items/{2**31 - 1}").status_code == 404
    day = event.start_date.isoformat()
    assert organiser.get(f"/api/v1/events/{event.slug}/attendance?day={day}").status_code == 200


def test_the_openapi_description_is_served_to_api_users_only(app, client, make_user):
    assert client.get("/api/v1/openapi.json").status_code == 401
    token = issue_token(make_user("operator"))
    db.session.commit()
    response = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/events",
        "/api/v1/events/{slug}/sessions",
        "/api/v1/events/{slug}/checkins",
        "/api/v1/events/{slug}/roster",
        "/api/v1/events/{slug}/attendance",
        "/api/v1/action-items",
        "/api/v1/action-items/{item_id}",
        "/api/v1/realisation",
    }
    scan = document["components"]["schemas"]["ScanIn"]["properties"]
    assert scan["nonce"]["minLength"] == 8 and scan["nonce"]["maxLength"] == 64
    assert scan["session_id"]["anyOf"][0]["maximum"] == 2**31 - 1
    # Every API route is described: a new one without @api.endpoint fails here.
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
    }
    assert len(routes) == len(document["paths"])
