import hmac
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.opds.models import Opd
from app.timeutil import utcnow

ADMIN, ORGANISER, OPERATOR, OPD, VIEWER = "admin", "organiser", "operator", "opd", "viewer"
ROLES = (ADMIN, ORGANISER, OPERATOR, OPD, VIEWER)


def _new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Only a hash of the API token is kept; the token itself is shown once by the CLI.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Part of every session and remember-me cookie of this user (``get_id``): a new value
    # (logout, deactivation, new password) ends them all, on every device.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: _new_session_token())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    opd: Mapped[Opd | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session and remember-me cookie issued so far stops working."""
        self.session_token = _new_session_token()

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the id with the
        current session token (``load_session_user`` checks both)."""
        if self.session_token is None:  # a user not yet flushed
            self.session_token = _new_session_token()
        return f"{self.id}:{self.session_token}"

    def session_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token or "", token)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.name
