"""The demo looks like a real quarter of follow-up: about 40 decisions of the past Strategic
Meeting across many OPDs, in every status, some waiting, returned, carried over and overdue."""

from collections import Counter

from sqlalchemy import func, select

from agenda.models import Event
from app.audit.models import AuditEntry
from app.extensions import db
from followup import services
from followup.dashboards import services as dashboards
from followup.models import ActionItem, ProgressUpdate


def test_the_demo_has_a_quarter_of_decisions_in_every_status(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    past = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iii"))
    following = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iv"))
    assert following.series_id == past.series_id and following.start_date > past.start_date
    items = db.session.scalars(select(ActionItem).where(ActionItem.event_id == past.id)).all()
    assert 38 <= len(items) <= 45
    assert len({i.lead_opd_id for i in items}) >= 20
    statuses = Counter(i.status for i in items)
    assert set(statuses) == {
        "belum_ditindaklanjuti",
        "dalam_proses",
        "sesuai",
        "belum_sesuai",
        "tidak_dapat_ditindaklanjuti",
        "dilanjutkan",
    }
    assert min(statuses.values()) >= 2
    today = services.today()
    assert sum(i.overdue_on(today) for i in items) >= 3
    assert services.pending_review_count() >= 3 and services.returned_count() >= 2
    # Carried over: closed here, continued at the next meeting with a due date still ahead.
    continued = db.session.scalars(
        select(ActionItem).where(ActionItem.carried_over_from_id.is_not(None))
    ).all()
    assert len(continued) == statuses["dilanjutkan"]
    assert all(i.event_id == following.id and i.due_on >= today for i in continued)
    assert any(s.title == "Evaluasi tindak lanjut" for s in following.sessions)
    # Every decision counted once; the statuses came through the audited state machine.
    series = dashboards.Scope(series_id=past.series_id)
    assert dashboards.totals(dashboards.standings(series)).total == len(items)
    changes = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.object_type == "ActionItem", AuditEntry.action != "create")
    )
    assert changes >= len(items) - statuses["belum_ditindaklanjuti"]
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) >= 30

    # Idempotent: a second run adds nothing.
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert db.session.scalar(
        select(func.count()).select_from(ActionItem).where(ActionItem.event_id == past.id)
    ) == len(items)
