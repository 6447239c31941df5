"""The participants package's blueprints, registered by ``create_app``."""

from participants import demo, models, permissions  # noqa: F401  (demo step, tables, rules)
from participants.directory.views import bp as people_bp
from participants.documents.views import bp as badges_bp
from participants.mail import receivers  # noqa: F401  (listens to agenda_published)
from participants.mail.cli import mail_cli
from participants.mail.views import bp as outbox_bp
from participants.personal import bp as personal_bp
from participants.registrations.views import bp as registrations_bp

blueprints = (people_bp, registrations_bp, personal_bp, badges_bp, outbox_bp)
commands = (mail_cli,)
