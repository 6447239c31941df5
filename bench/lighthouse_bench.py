"""Lighthouse (12.2.3, mobile preset: simulated slow 4G, 4x slower CPU) on the pages a phone or an
office opens first: login, the demo's public agenda (the 3-day retreat) and a personal page, and,
signed in as the demo accounts, the organiser's home, the scanner (operator), the OPD workspace
and the pimpinan dashboard; beside a bare Flask page measured in the same run. Sinergi runs under
gunicorn (2 workers, production settings) on a fresh demo database.

    .venv/bin/python bench/lighthouse_bench.py [--runs 1]

Lighthouse is installed with npm into bench/.lighthouse/ on first use (not a project dependency).
Scores move a few points between runs: compare the pages of one run.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from bench.common import sinergi_and_bare  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "bench" / ".lighthouse"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
BIN = Path(sys.executable).parent


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [
                shutil.which("npm") or "npm",
                "install",
                "--prefix",
                str(TOOLS),
                "--no-audit",
                "--no-fund",
                "-E",
                "lighthouse@12.2.3",
            ],
            check=True,
        )


DEMO_PASSWORD = "sinergi-demo"  # noqa: S105 (the public demo password, DESIGN.md)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in(base: str, email: str) -> requests.Session:
    """A session logged in through the real form as a demo account."""
    client = requests.Session()
    token = CSRF.search(client.get(f"{base}/login", timeout=30).text).group(1)
    answer = client.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD},
        timeout=30,
    )
    assert "/login" not in answer.url, f"bench login as {email} failed"
    return client


def cookie_header(client: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def lighthouse(url: str, out: Path, cookie: str | None = None) -> dict:
    headers = [f"--extra-headers={json.dumps({'Cookie': cookie})}"] if cookie else []
    subprocess.run(  # noqa: S603
        [
            str(LIGHTHOUSE),
            url,
            *headers,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless --no-sandbox --disable-gpu "
            "--disable-background-networking --disable-component-update",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
    )
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kib": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--page", action="append", help="only pages whose name contains this")
    args = parser.parse_args()
    ensure_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="sinergi-lighthouse-"))
    env = {
        **os.environ,
        "SINERGI_ENV": "production",
        "SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "DATABASE_URL": f"sqlite:///{work / 'sinergi.db'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_FOLDER": str(work / "uploads"),
        "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
        "GUNICORN_ACCESS_LOG": os.devnull,  # the table, not every request, on stdout
    }
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)  # noqa: S603
    subprocess.run([*flask, "seed", "demo"], env=env, cwd=ROOT, check=True)  # noqa: S603
    with sqlite3.connect(work / "sinergi.db") as con:
        (token,) = con.execute(
            "select link_token from registration where status = 'confirmed' order by id limit 1"
        ).fetchone()
    with sinergi_and_bare(env, work) as (base, bare):
        organiser = signed_in(base, "panitia@demo.test")
        operator = signed_in(base, "operator@demo.test")
        opd = signed_in(base, "opd-dpupr@demo.test")
        pimpinan = signed_in(base, "pimpinan@demo.test")
        # The operator's first scannable event (the demo has one today).
        scan = re.search(r'href="(/events/[^/"]+/scan/)"', operator.get(f"{base}/attendance/").text)
        pages = {
            "bare Flask page": (f"{bare}/", None),
            "login": (f"{base}/login", None),
            "public agenda (3-day retreat)": (f"{base}/events/retret-kepemimpinan-asn/", None),
            "personal page": (f"{base}/p/{token}/", None),
            "organiser's home": (f"{base}/", organiser),
            "scanner (operator)": (f"{base}{scan.group(1)}", operator),
            "OPD workspace": (f"{base}/tindak-lanjut/", opd),
            "pimpinan dashboard": (f"{base}/tindak-lanjut/dasbor", pimpinan),
        }
        print(f"{'page':32} perf  a11y  FCP s  LCP s   CLS  KiB")
        for name, (url, client) in pages.items():
            if args.page and not any(part in name for part in args.page):
                continue
            cookie = cookie_header(client) if client else None
            stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            results = [lighthouse(url, work / f"{stem}-{i}.json", cookie) for i in range(args.runs)]
            results.sort(key=lambda r: r["performance"])
            r = results[len(results) // 2]
            print(
                f"{name:32} {r['performance']:4}  {r['accessibility']:4}  {r['fcp_s']:5.1f}"
                f"  {r['lcp_s']:5.1f}  {r['cls']:4.2f}  {r['kib']:4.0f}"
            )
        print(f"Lighthouse reports (JSON): {work}")


if __name__ == "__main__":
    main()
