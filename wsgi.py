"""Entry point for gunicorn and ``flask --app wsgi``."""

import gc

from app import create_app

app = create_app()

# Objects created at start-up live as long as the process: keep them out of the garbage
# collector's full passes (they cost ~80 ms each and showed up as p95 latency; see bench/).
gc.freeze()
