"""The follow-up package's blueprints, registered by ``create_app``: the package's URL map.

Each sub-package has its own blueprint, nested here under ``followup``, so its endpoints read
``followup.meetings.carry_over`` and its templates ``followup/meetings/…``; every route keeps
its whole URL in its views.py. ``flask --app wsgi routes`` prints the map."""

from followup import demo, models, permissions, tasks  # noqa: F401  (demo steps, tables, rules, tasks)
from followup.api import bp as api_bp
from followup.cli import followup_cli
from followup.dashboards.views import bp as dashboards_bp
from followup.meetings.views import bp as meetings_bp
from followup.programs.views import bp as programs_bp
from followup.views import bp as followup_bp

followup_bp.register_blueprint(meetings_bp)  # minutes, carry-over, meeting report, item import
followup_bp.register_blueprint(programs_bp)  # priority programs
followup_bp.register_blueprint(dashboards_bp)  # dashboards and the recap

blueprints = (followup_bp, api_bp)
commands = (followup_cli,)
