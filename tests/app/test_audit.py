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
