"""Supporting OPDs through the type-ahead that takes several (issue 27): in the quick entry of
decisions and on the edit page, the same "CODE — name" list the lead OPD field uses."""

from sqlalchemy import func, select

from app.extensions import db
from followup.models import ActionItem


def _items():
    db.session.expire_all()
    return db.session.scalars(select(ActionItem).order_by(ActionItem.id)).all()


def test_the_quick_entry_takes_supporting_opds(make_event, login_as, city):
    make_event("sm-iv")
    organiser = login_as("organiser")
    page = organiser.get("/events/sm-iv/tindak-lanjut").get_data(as_text=True)
    assert 'name="supporting_opds"' in page and "data-opd-several" in page

    saved = organiser.submit(
        "/events/sm-iv/tindak-lanjut",
        {
            "title": "Sinkronisasi data stunting",
            "lead_opd": "DINKES — Dinas Kesehatan",
            # as the type-ahead posts it, and as someone types it without JavaScript
            "supporting_opds": "BAPPEDA — Badan Perencanaan Pembangunan Daerah; dpupr; DPUPR",
            "session_id": "0",
        },
    )
    assert saved.status_code == 302
    [item] = _items()
    assert sorted(o.code for o in item.supporting_opds) == ["BAPPEDA", "DPUPR"]

    lead_twice = organiser.submit(
        "/events/sm-iv/tindak-lanjut",
        {"title": "Kedua", "lead_opd": "DINKES", "supporting_opds": "DINKES", "session_id": "0"},
    )
    assert lead_twice.status_code == 302
    assert _items()[1].supporting_opds == []  # the lead is not its own support


def test_an_unknown_supporting_opd_is_refused_and_nothing_is_saved(make_event, login_as, city):
    make_event("sm-v")
    organiser = login_as("organiser")
    refused = organiser.submit(
        "/events/sm-v/tindak-lanjut",
        {
            "title": "Ketiga",
            "lead_opd": "DPUPR",
            "supporting_opds": "BAPPEDA; Dinas Entah",
            "session_id": "0",
        },
    )
    assert refused.status_code == 422
    assert "OPD tidak dikenal: Dinas Entah. Pilih dari daftar." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_the_edit_page_shows_and_changes_supporting_opds_as_text(make_item, login_as, city):
    item = make_item(city["dpupr"], supporting=[city["bappeda"]], title="Matriks")
    organiser = login_as("organiser")
    form = organiser.get(f"/tindak-lanjut/{item.id}/edit").get_data(as_text=True)
    assert "<select multiple" not in form and 'multiple id="supporting' not in form
    assert 'value="BAPPEDA — Badan Perencanaan Pembangunan Daerah"' in form

    base = {"title": "Matriks", "kind": "rekomendasi", "lead_opd": "DPUPR"}
    base["status"] = item.status
    refused = organiser.submit(
        f"/tindak-lanjut/{item.id}/edit", base | {"supporting_opds": "BAPPEDA; XYZ"}
    )
    assert refused.status_code == 200
    assert "OPD tidak dikenal: XYZ. Pilih dari daftar." in refused.get_data(as_text=True)
    assert [o.code for o in _items()[0].supporting_opds] == ["BAPPEDA"]

    saved = organiser.submit(
        f"/tindak-lanjut/{item.id}/edit", base | {"supporting_opds": "DINKES — Dinas Kesehatan"}
    )
    assert saved.status_code == 302
    assert [o.code for o in _items()[0].supporting_opds] == ["DINKES"]
