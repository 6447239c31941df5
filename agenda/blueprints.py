"""The agenda package's blueprints, registered by ``create_app``."""

from agenda import demo, models, panels, permissions  # noqa: F401  (demo step, tables, home panel, rules)
from agenda.api import bp as api_bp
from agenda.public import bp as public_bp
from agenda.views import bp as manage_bp

blueprints = (public_bp, manage_bp, api_bp)
