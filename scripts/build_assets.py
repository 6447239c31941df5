"""Put what the app serves next to its code: npm assets in app/static/vendor, compiled catalogues.

Run by `make install` and by the package build (setup.py), so that `pip install .` (or a wheel)
serves the same site as `make run`. Venues may be offline: the app never uses a CDN.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "app" / "static" / "vendor"
TRANSLATIONS = ROOT / "app" / "translations"

# destination in app/static/vendor -> source in node_modules
ASSETS = {
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap-icons/bootstrap-icons.min.css": "bootstrap-icons/font/bootstrap-icons.min.css",
    "bootstrap-icons/fonts/bootstrap-icons.woff": "bootstrap-icons/font/fonts/bootstrap-icons.woff",
    "bootstrap-icons/fonts/bootstrap-icons.woff2": "bootstrap-icons/font/fonts/bootstrap-icons.woff2",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "jsqr/jsQR.js": "jsqr/dist/jsQR.js",
    "chartjs/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",  # dashboards (numbers beside)  # the scanner's QR decoder (no BarcodeDetector on Linux)
}


def vendor_assets() -> None:
    modules = ROOT / "node_modules"
    if not (ROOT / "package-lock.json").exists():
        # A source distribution carries the copied assets, not the npm project.
        missing = [name for name in ASSETS if not (VENDOR / name).exists()]
        if missing:
            sys.exit(f"front-end assets missing and no package-lock.json to fetch them: {missing}")
        return
    lock = modules / ".package-lock.json"
    if not lock.exists() or lock.stat().st_mtime < (ROOT / "package-lock.json").stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm is needed to fetch the front-end assets (Debian: apt-get install npm)")
        subprocess.run(  # noqa: S603 (fixed arguments)
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True
        )
    for name, source in ASSETS.items():
        target = VENDOR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / source, target)


def compile_catalogues() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


if __name__ == "__main__":
    steps = sys.argv[1:] or ["assets", "catalogues"]
    if "assets" in steps:
        vendor_assets()
    if "catalogues" in steps:
        compile_catalogues()
