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
from followup.evaluation import assistance_views  # noqa: F401  (pages on evaluation's blueprint)
from followup.evaluation import demo as evaluation_demo  # noqa: F401
from followup.evaluation import models as evaluation_models  # noqa: F401
from followup.evaluation import permissions as evaluation_permissions  # noqa: F401
from followup.evaluation.api import bp as evaluation_api_bp
from followup.evaluation.views import bp as evaluation_bp
from followup.views import bp as followup_bp

blueprints = (followup_bp, api_bp, evaluation_bp, evaluation_api_bp)
commands = (followup_cli,)
