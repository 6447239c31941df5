"""The follow-up package's blueprints, registered by ``create_app``."""

from followup import (  # noqa: F401  (demo step, tables, rules)
    demo,
    meeting_views,  # noqa: F401  (more pages on the same blueprint)
    models,
    permissions,
)
from followup.api import bp as api_bp
from followup.cli import followup_cli
from followup.views import bp as followup_bp

blueprints = (followup_bp, api_bp)
commands = (followup_cli,)
