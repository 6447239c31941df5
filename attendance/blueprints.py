"""The attendance package's blueprints, registered by ``create_app``."""

from attendance import demo, models, permissions  # noqa: F401  (demo step, tables, rules)
from attendance.api import bp as api_bp
from attendance.views import bp as attendance_bp

blueprints = (attendance_bp, api_bp)
