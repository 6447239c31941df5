from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow


class AuditEntry(db.Model):
    """Who changed what, when: one row per write of a tracked object."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete or a verb
    object_type: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(200))
    # {"field": [before, after]}; values are JSON-safe strings/numbers.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
