"""Lighthouse (12.2.3, mobile preset: simulated slow 4G, 4x slower CPU) on the pages phones open:
login, the demo's public agenda and a personal page, beside a bare Flask page measured in the
same run. Sinergi runs under gunicorn (2 workers, production settings) on a fresh demo database.

    .venv/bin/python bench/lighthouse_bench.py [--runs 1]

Lighthouse is installed with npm into bench/.lighthouse/ on first use (not a project dependency).
Scores move a few points between runs: compare the pages of one run.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def lighthouse(url: str, out: Path) -> dict:
    subprocess.run(  # noqa: S603
        [
            str(LIGHTHOUSE),
            url,
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
        "kib": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
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
    }
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True)  # noqa: S603
    subprocess.run([*flask, "seed", "demo"], env=env, cwd=ROOT, check=True)  # noqa: S603
    with sqlite3.connect(work / "sinergi.db") as con:
        (token,) = con.execute(
            "select link_token from registration where status = 'confirmed' order by id limit 1"
        ).fetchone()
    with sinergi_and_bare(env, work) as (base, bare):
        pages = {
            "bare Flask page": f"{bare}/",
            "login": f"{base}/login",
            "public agenda (3-day retreat)": f"{base}/events/retret-kepemimpinan-asn/",
            "personal page": f"{base}/p/{token}/",
        }
        print(f"{'page':32} perf  a11y  FCP s  LCP s  KiB")
        for name, url in pages.items():
            results = [lighthouse(url, work / f"run{i}.json") for i in range(args.runs)]
            results.sort(key=lambda r: r["performance"])
            r = results[len(results) // 2]
            print(
                f"{name:32} {r['performance']:4}  {r['accessibility']:4}  {r['fcp_s']:5.1f}"
                f"  {r['lcp_s']:5.1f}  {r['kib']:4.0f}"
            )


if __name__ == "__main__":
    main()
