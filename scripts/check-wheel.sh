#!/usr/bin/env bash
# CI: the README's production install works as written. Build the wheel, install it into a fresh
# virtualenv outside the checkout, start it under gunicorn and check what it serves.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
trap 'kill "$(cat "$work/gunicorn.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work" "$repo/build"' EXIT

python3 -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$work"/dist/sinergi-*.whl
checker=$PWD/scripts/check_installed_site.py

# The revisions travel inside the app package; nothing named `migrations` may land at the top
# of site-packages (it would shadow, or be shadowed by, any other project's folder of that name).
site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if [ -e "$site/migrations" ]; then echo "a top-level migrations/ was installed into $site"; exit 1; fi
if [ ! -f "$site/app/migrations/env.py" ]; then echo "the wheel lacks app/migrations"; exit 1; fi

cd "$work"   # nothing from the checkout is importable from here
export SINERGI_ENV=production SECRET_KEY=wheel-check DATABASE_URL="sqlite:///$work/site.db" \
       RATELIMIT_STORAGE_URI=memory:// SESSION_COOKIE_SECURE=0
port=$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/venv/bin/flask" --app wsgi db upgrade >/dev/null
"$work/venv/bin/gunicorn" --workers 1 --bind "127.0.0.1:$port" --pid "$work/gunicorn.pid" \
    --daemon --error-logfile "$work/gunicorn.log" wsgi:app
for _ in $(seq 1 50); do
  "$work/venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" 2>/dev/null && break
  sleep 0.2
done
"$work/venv/bin/python" "$checker" "http://127.0.0.1:$port" || { cat "$work/gunicorn.log"; exit 1; }
