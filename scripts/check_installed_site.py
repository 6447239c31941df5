"""Check a running Sinergi installed from the wheel: every vendored asset is served, and a page
switched to English is in English. Usage: check_installed_site.py http://127.0.0.1:PORT"""

import http.cookiejar
import re
import runpy
import sys
import urllib.parse
import urllib.request
from pathlib import Path

BASE = sys.argv[1].rstrip("/")
# The assets the build copies (one list: scripts/build_assets.py), plus whatever the page links.
ASSETS = list(runpy.run_path(str(Path(__file__).with_name("build_assets.py")))["ASSETS"])
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def get(path: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with opener.open(BASE + path, data=body, timeout=10) as response:
        return response.status, response.read().decode("utf-8", "replace")


failures = []
login_status, login_page = get("/login")
linked = set(re.findall(r'/static/vendor/([^"?]+)', login_page))
for asset in sorted(set(ASSETS) | linked):
    try:
        status, text = get(f"/static/vendor/{asset}")
    except urllib.error.HTTPError as error:
        status, text = error.code, ""
    if status != 200 or not text:
        failures.append(f"/static/vendor/{asset} answered {status}")
for path in ("/favicon.ico",):
    try:
        get(path)
    except urllib.error.HTTPError as error:
        failures.append(f"{path} answered {error.code}")
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page) or re.search(
    r'name="csrf_token" value="([^"]+)"', login_page
)
get("/language/en", {"csrf_token": token.group(1) if token else ""})
_status, english = get("/login")
if 'lang="en"' not in english or "Password" not in english:
    failures.append("the login page switched to English is not in English")
if failures:
    sys.exit("installed site check failed:\n  " + "\n  ".join(failures))
print(f"installed site OK: {len(set(ASSETS) | linked)} assets, favicon, English")
