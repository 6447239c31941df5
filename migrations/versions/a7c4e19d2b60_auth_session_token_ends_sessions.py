"""auth: a session token per user, part of every session and remember-me cookie

Logout, deactivation and a new password replace it, which ends every session of the user on
every device (a copied cookie included). Existing users get a random token each; the cookies
issued before this revision carry no token and so end too (everyone logs in once more).

Revision ID: a7c4e19d2b60
Revises: e2d33819130a
Create Date: 2026-12-06 23:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c4e19d2b60"
down_revision = "e2d33819130a"
branch_labels = None
depends_on = None

users = sa.table("user_account", sa.column("id", sa.Integer), sa.column("session_token", sa.String))


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_token")
