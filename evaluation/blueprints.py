"""The evaluation package's blueprints, registered by ``create_app``."""

# Imported for what they register: demo steps, tables, rules, and the pages that live on the
# same blueprint as views.py (the assistance planner).
from evaluation import assistance_views, demo, models, permissions  # noqa: F401
from evaluation.api import bp as api_bp
from evaluation.views import bp as evaluation_bp

blueprints = (evaluation_bp, api_bp)
