"""followup: a report's proposed status; carried-over originals closed as dilanjutkan

Before this revision carrying an item over left the original open beside its copy, so one
decision was counted twice. The originals that have a continuation become "dilanjutkan"
(closed), each with the audit entry the state machine would have written.

Revision ID: e2d33819130a
Revises: 846686a8fff6
Create Date: 2026-12-06 20:23:06.792807

"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e2d33819130a"
down_revision = "846686a8fff6"
branch_labels = None
depends_on = None

OPEN = ("belum_ditindaklanjuti", "dalam_proses", "belum_sesuai")
items = sa.table(
    "action_item",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("status", sa.String),
    sa.column("carried_over_from_id", sa.Integer),
)
audit = sa.table(
    "audit_entry",
    sa.column("created_at", sa.DateTime),
    sa.column("user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("object_label", sa.String),
    sa.column("changes", sa.JSON),
)


def upgrade():
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("proposed_status", sa.String(length=30), server_default="", nullable=False)
        )

    connection = op.get_bind()
    later = items.alias("later")
    carried = connection.execute(
        sa.select(items.c.id, items.c.title, items.c.status)
        .join(later, later.c.carried_over_from_id == items.c.id)
        .where(items.c.status.in_(OPEN))
    ).all()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for item_id, title, status in carried:
        connection.execute(
            items.update().where(items.c.id == item_id).values(status="dilanjutkan")
        )
        connection.execute(
            audit.insert().values(
                created_at=now,
                user_id=None,
                action="carry_over",
                object_type="ActionItem",
                object_id=item_id,
                object_label=title[:200],
                changes={"status": [status, "dilanjutkan"]},
            )
        )


def downgrade():
    # The originals reopen as "dalam_proses": their status before carrying is in the audit log.
    op.execute(items.update().where(items.c.status == "dilanjutkan").values(status="dalam_proses"))
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.drop_column("proposed_status")
