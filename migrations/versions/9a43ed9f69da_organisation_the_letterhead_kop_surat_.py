"""organisation: the letterhead (kop surat) with its emblem

Revision ID: 9a43ed9f69da
Revises: a7c4e19d2b60
Create Date: 2026-12-06 23:33:02.728211

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9a43ed9f69da"
down_revision = "a7c4e19d2b60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letterhead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("website", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("emblem_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letterhead")),
    )


def downgrade():
    op.drop_table("letterhead")
