"""The participants package's blueprints, registered by ``create_app``. Each sub-package's
blueprint and template folder (``participants/templates/participants/<name>/``) carry its name."""

from participants import demo, models, permissions  # noqa: F401  (demo step, tables, rules)
from participants.directory.views import bp as directory_bp
from participants.documents.views import bp as documents_bp
from participants.mail import receivers, tasks  # noqa: F401  (agenda_published; tasks)
from participants.mail.cli import mail_cli
from participants.mail.views import bp as mail_bp
from participants.personal import bp as personal_bp
from participants.registrations.views import bp as registrations_bp

blueprints = (directory_bp, registrations_bp, personal_bp, documents_bp, mail_bp)
commands = (mail_cli,)
