"""The attendance package's blueprints, registered by ``create_app``."""

from attendance import (  # noqa: F401  (demo step, tables, rules)
    certificate_views,  # noqa: F401  (certificate pages on the same blueprint)
    demo,
    models,
    permissions,
)
from attendance.api import bp as api_bp
from attendance.views import bp as attendance_bp

blueprints = (attendance_bp, api_bp)
