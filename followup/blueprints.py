"""The follow-up package's blueprints, registered by ``create_app``."""

# Imported for what they register: demo steps, tables, rules, and the pages that live on the
# same blueprint as views.py (dashboards, minutes and carry-over, priority programs).
from followup import (  # noqa: F401
    dashboard_views,
    demo,
    meeting_views,
    models,
    permissions,
    program_views,
)
from followup.api import bp as api_bp
from followup.cli import followup_cli
from followup.views import bp as followup_bp

blueprints = (followup_bp, api_bp)
commands = (followup_cli,)
