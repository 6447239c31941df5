"""The attendance package's blueprints, registered by ``create_app``."""

# Imported for what they register: demo steps, tables, rules, and the pages that live on the
# same blueprint as views.py (certificates, self check-in).
from attendance import certificate_views, demo, models, permissions, self_views  # noqa: F401
from attendance.api import bp as api_bp
from attendance.views import bp as attendance_bp

blueprints = (attendance_bp, api_bp)
