"""Packaging: the metadata lives in pyproject.toml; this only adds two build steps.

Before the Python files are collected, scripts/build_assets.py copies the npm assets into
app/static/vendor and compiles the catalogues, so a wheel carries everything the site serves.
After them, the top-level ``migrations/`` folder is copied to ``app/migrations`` in the build,
so an installed site can migrate (``create_app`` looks there) without a top-level package
named ``migrations`` landing in site-packages.
"""

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
MIGRATIONS = HERE / "migrations"


class BuildWithAssets(build_py):
    def run(self):
        build = runpy.run_path(str(HERE / "scripts" / "build_assets.py"))
        build["vendor_assets"]()
        build["compile_catalogues"]()
        super().run()
        if not self.editable_mode:  # an editable install reads the checkout's folder
            self._copy_migrations()

    def _copy_migrations(self):
        target = Path(self.build_lib) / "app" / "migrations"
        shutil.rmtree(target, ignore_errors=True)  # no revision left over from an older build
        shutil.copytree(
            MIGRATIONS, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]")
        )


setup(cmdclass={"build_py": BuildWithAssets})
