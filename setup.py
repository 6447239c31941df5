"""Packaging: the metadata lives in pyproject.toml; this only adds one build step.

Before the Python files are collected, scripts/build_assets.py copies the npm assets into
app/static/vendor and compiles the catalogues, so a wheel carries everything the site serves.
"""

import runpy
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithAssets(build_py):
    def run(self):
        build = runpy.run_path(str(HERE / "scripts" / "build_assets.py"))
        build["vendor_assets"]()
        build["compile_catalogues"]()
        super().run()


setup(cmdclass={"build_py": BuildWithAssets})
