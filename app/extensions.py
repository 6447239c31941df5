"""Flask extensions, created once and bound in ``create_app``."""

from flask import current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app import ratelimit  # noqa: F401 (the limiter's Redis storage: one round trip a request)


class Base(DeclarativeBase):
    # Stable constraint names so Alembic can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()  # text responses gzip/brotli: most of a phone's wait is the wire
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _view_without_limits() -> bool:
    """There are no default limits: only the views that carry one (login, the check-in API)
    need the limiter. Without this filter it would resolve limits before every request
    (~0.2 ms, as long as /healthz itself takes)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return view is None or get_qualified_name(view) not in limiter._marked_for_limiting
