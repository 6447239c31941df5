"""The evaluation package's blueprints, registered by ``create_app``: the package's URL map.

Each sub-package has its own blueprint, nested here under ``evaluation``, so its endpoints read
``evaluation.assistance.plan`` and its templates ``evaluation/assistance/…``; every route keeps
its whole URL in its views.py. ``flask --app wsgi routes`` prints the map."""

from evaluation import demo, models, permissions  # noqa: F401  (demo steps, tables, rules)
from evaluation.api import bp as api_bp
from evaluation.assistance.views import bp as assistance_bp
from evaluation.views import bp as evaluation_bp

evaluation_bp.register_blueprint(assistance_bp)  # the assistance week planner

blueprints = (evaluation_bp, api_bp)
