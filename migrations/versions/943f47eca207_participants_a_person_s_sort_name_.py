"""participants: a person's sort name (without titles)

Lists of people sort by the name without its academic titles ("Dr. Ir. Zainal …" under Z);
the existing people get theirs from their name here, new writes keep it (participants/models.py).

Revision ID: 943f47eca207
Revises: 9a43ed9f69da
Create Date: 2026-12-06 23:39:39.553388

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "943f47eca207"
down_revision = "9a43ed9f69da"
branch_labels = None
depends_on = None

# As participants/names.py has it on the day of this revision (a migration keeps its own copy).
_PREFIX = re.compile(r"^(?:(?:prof|drg|drh|drs|dra|dr|ir|hj|h|k\.\s?h|ns|apt)\.\s*)+", re.I)


def _sort_key(name: str) -> str:
    text = (name or "").split(",", 1)[0].strip()
    return (_PREFIX.sub("", text).strip() or text).casefold()[:200]


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sort_name", sa.String(length=200), server_default="", nullable=False)
        )
    person = sa.table(
        "person", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("sort_name")
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(person.c.id, person.c.name)).all()
    if rows:
        bind.execute(
            person.update().where(person.c.id == sa.bindparam("pid")),
            [{"pid": pid, "sort_name": _sort_key(name)} for pid, name in rows],
        )


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("sort_name")
