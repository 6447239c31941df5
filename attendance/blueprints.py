"""The attendance package's blueprints, registered by ``create_app``: the package's URL map.

Each sub-package has its own blueprint, nested here under ``attendance``, so its endpoints read
``attendance.certificates.issue`` and its templates ``attendance/certificates/…``; every route
keeps its whole URL in its views.py. ``flask --app wsgi routes`` prints the map."""

from attendance import demo, models, permissions  # noqa: F401  (demo step, tables, rules)
from attendance.api import bp as api_bp
from attendance.certificates.views import bp as certificates_bp
from attendance.self_checkin.views import bp as self_checkin_bp
from attendance.views import bp as attendance_bp

attendance_bp.register_blueprint(certificates_bp)  # certificates and their public check
attendance_bp.register_blueprint(self_checkin_bp)  # the projector's code, the phone's check-in

blueprints = (attendance_bp, api_bp)
