"""attendance: the event code in certificate numbers

Revision ID: 24b1670cd57e
Revises: 943f47eca207
Create Date: 2026-12-07 00:01:08.785894

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "24b1670cd57e"
down_revision = "943f47eca207"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificate_rule", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("number_code", sa.String(length=40), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("certificate_rule", schema=None) as batch_op:
        batch_op.drop_column("number_code")
