from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db


def test_audit_page_shows_before_and_after_and_filters(login_as, make_opd):
    admin = login_as("admin")
    opd = make_opd("DLH", name="Dinas Lingkungan")
    admin.submit(
        f"/opd/{opd.id}/edit",
        {
            "code": "DLH",
            "name": "Dinas Lingkungan Hidup",
            "short_name": "DLH",
            "kind": "dinas",
            "parent_id": "0",
            "active": "y",
        },
    )
    page = admin.get(f"/audit/?type=Opd&user={admin.user.id}").get_data(as_text=True)
    assert (
        '<del class="text-danger">Dinas Lingkungan</del> → <ins class="text-success">Dinas Lingkungan Hidup</ins>'
        in page
    )
    assert "diubah" in page
    # The user filter leaves out writes made by others (the factory wrote the creation).
    assert "dibuat" not in page
    page = admin.get("/audit/?type=User").get_data(as_text=True)
    assert "Dinas Lingkungan Hidup" not in page


def test_an_update_that_changes_nothing_leaves_no_entry(login_as, make_opd):
    admin = login_as("admin")
    opd = make_opd("DLH", name="Dinas Lingkungan Hidup", short_name="DLH")
    before = db.session.scalars(select(AuditEntry)).all()
    admin.submit(
        f"/opd/{opd.id}/edit",
        {
            "code": "DLH",
            "name": "Dinas Lingkungan Hidup",
            "short_name": "DLH",
            "kind": "dinas",
            "parent_id": "0",
            "active": "y",
        },
    )
    assert len(db.session.scalars(select(AuditEntry)).all()) == len(before)


def test_audit_page_runs_constant_queries(login_as, make_opd, count_queries):
    admin = login_as("admin")
    make_opd()
    with count_queries() as few:
        admin.get("/audit/")
    for _ in range(30):
        make_opd()
    with count_queries() as many:
        admin.get("/audit/")
    assert many.count == few.count


def test_creation_entries_hold_the_stored_values_and_no_secrets(
    app, make_user, make_event, make_registration
):
    from app.audit.services import record
    from app.auth.models import User

    user = make_user("viewer")
    event = make_event(status="draft")
    registration = make_registration(event)
    record(registration, "create")  # as the delegate flow does
    db.session.commit()
    entries = {
        e.object_type: e.changes
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "create"))
    }
    assert entries["Event"]["status"] == [None, "draft"] and entries["Event"]["created_at"][1]
    assert entries["User"]["password_hash"] == ["***", "***"]
    assert isinstance(db.session.get(User, user.id), User)
    assert entries["Registration"]["pass_token"] == ["***", "***"]
    assert registration.pass_token not in str(entries) and registration.link_token not in str(
        entries
    )
