"""Backup and restore of a SQLite installation: the database through SQLite's online backup API
(a consistent copy while the app keeps serving) and the uploads folder, into one directory
with a manifest. PostgreSQL is backed up with its own tools (pg_dump; README, Production).
"""

import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.extensions import db

MANIFEST = "sinergi-backup.json"
DATABASE_FILE = "sinergi.db"
UPLOADS_DIR = "uploads"


class BackupError(RuntimeError):
    """The backup or restore cannot be made; the message says why."""


def _sqlite_path() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError(
            "This database is not a SQLite file: back PostgreSQL up with pg_dump "
            "(see README, Production)."
        )
    return url.database


def _revision() -> str | None:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001 (a database never migrated has no revision)
        return None


def backup(destination: str) -> dict:
    """Write a consistent copy of the database and the uploads into ``destination`` (a new or
    empty directory); returns the manifest."""
    source = _sqlite_path()
    if os.path.exists(destination) and os.listdir(destination):
        raise BackupError(f"{destination} is not empty: choose a new directory.")
    os.makedirs(destination, exist_ok=True)
    target = os.path.join(destination, DATABASE_FILE)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)  # page by page, consistent even while others write
    uploads = current_app.config["UPLOAD_FOLDER"]
    files = 0
    if os.path.isdir(uploads):
        shutil.copytree(uploads, os.path.join(destination, UPLOADS_DIR))
        files = sum(len(names) for _root, _dirs, names in os.walk(uploads))
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "revision": _revision(),
        "database": DATABASE_FILE,
        "uploads": files,
    }
    with open(os.path.join(destination, MANIFEST), "w") as handle:
        json.dump(manifest, handle, indent=2)
    return manifest


def restore(source: str) -> dict:
    """Replace the database and the uploads with the backup in ``source``. Stop the app first:
    running workers keep their connections to the old file."""
    manifest_path = os.path.join(source, MANIFEST)
    if not os.path.exists(manifest_path):
        raise BackupError(f"{source} holds no Sinergi backup ({MANIFEST} is missing).")
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    target = _sqlite_path()
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the file while it is replaced
    with (
        sqlite3.connect(os.path.join(source, manifest["database"])) as saved,
        sqlite3.connect(target) as live,
    ):
        saved.backup(live)
    uploads = current_app.config["UPLOAD_FOLDER"]
    saved_uploads = os.path.join(source, UPLOADS_DIR)
    if os.path.isdir(uploads):
        shutil.rmtree(uploads)
    if os.path.isdir(saved_uploads):
        shutil.copytree(saved_uploads, uploads)
    else:
        os.makedirs(uploads, exist_ok=True)
    return manifest
