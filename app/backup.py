"""Backup and restore: the database and the uploads folder in one directory with a manifest
that holds the SHA-256 of every file.

- SQLite: the database through SQLite's online backup API (a consistent copy while the app
  keeps serving).
- PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot while the app keeps
  serving); ``pg_dump``/``pg_restore`` of the server's major version must be installed.

A restore verifies before it touches anything: every file against the manifest (nothing
missing, changed or added), the database copy opened read-only and checked (SQLite's
``PRAGMA integrity_check``; for a dump, ``pg_restore --list``), that it is a Sinergi database
and that its Alembic revision is the one this code expects. Any failure refuses, with the
live data untouched. Then the live database is kept aside (the SQLite file renamed; the
PostgreSQL database renamed after the copy was restored into a new one) until the restore has
succeeded, and put back if it did not. Stop the app first.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

MANIFEST = "sinergi-backup.json"
FORMAT = 2  # manifests before this one have no checksums and cannot be verified
DATABASE_FILE = "sinergi.db"
DUMP_FILE = "sinergi.dump"
UPLOADS_DIR = "uploads"
SINERGI_TABLES = ("alembic_version", "user_account", "opd")


class BackupError(RuntimeError):
    """The backup or restore cannot be made; the message says why."""


# --- shared ---------------------------------------------------------------------------------


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _engine_kind() -> str:
    url = _url()
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database and url.database != ":memory:":
        return "sqlite"
    if backend == "postgresql":
        return "postgresql"
    raise BackupError(f"Backups cover a SQLite file or PostgreSQL, not {backend}.")


def code_revision() -> str:
    """The Alembic head of this code: the schema a restored database must have."""
    from app import MIGRATIONS_DIR

    config = AlembicConfig()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise BackupError(f"The migrations have {len(heads)} heads; merge them first.")
    return heads[0]


def _revision() -> str | None:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001 (a database never migrated has no revision)
        db.session.rollback()
        return None


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: str) -> list[str]:
    """Every file under ``root``, as paths relative to it with "/" separators, sorted."""
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            found.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
    return sorted(found)


def _checksums(destination: str) -> dict:
    return {
        name: {"sha256": _sha256(os.path.join(destination, name)), "size": _size(destination, name)}
        for name in _files_under(destination)
        if name != MANIFEST
    }


def _size(root: str, name: str) -> int:
    return os.path.getsize(os.path.join(root, name))


# --- backup ---------------------------------------------------------------------------------


def backup(destination: str) -> dict:
    """Write a consistent copy of the database and the uploads into ``destination`` (a new or
    empty directory); returns the manifest."""
    kind = _engine_kind()
    if os.path.exists(destination) and os.listdir(destination):
        raise BackupError(f"{destination} is not empty: choose a new directory.")
    os.makedirs(destination, exist_ok=True)
    if kind == "sqlite":
        database = DATABASE_FILE
        _sqlite_copy(_url().database, os.path.join(destination, database))
    else:
        database = DUMP_FILE
        _pg_dump(os.path.join(destination, database))
    uploads = current_app.config["UPLOAD_FOLDER"]
    if os.path.isdir(uploads):
        shutil.copytree(uploads, os.path.join(destination, UPLOADS_DIR))
    files = _checksums(destination)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": kind,
        "revision": _revision(),
        "database": database,
        "uploads": sum(1 for name in files if name.startswith(UPLOADS_DIR + "/")),
        "files": files,
    }
    with open(os.path.join(destination, MANIFEST), "w") as handle:
        json.dump(manifest, handle, indent=2)
    return manifest


def _sqlite_copy(source: str, target: str) -> None:
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)  # page by page, consistent even while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    live.close()
    copy.close()


# --- verification ---------------------------------------------------------------------------


def read_manifest(source: str) -> dict:
    path = os.path.join(source, MANIFEST)
    if not os.path.isfile(path):
        raise BackupError(f"{source} holds no Sinergi backup ({MANIFEST} is missing).")
    try:
        with open(path) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as exc:
        raise BackupError(f"{MANIFEST} cannot be read ({exc}); nothing was restored.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{MANIFEST} has no checksums (made by an older Sinergi) and cannot be verified; "
            "nothing was restored. Make a new backup with this version."
        )
    return manifest


def verify_files(source: str, manifest: dict) -> None:
    """Every file the manifest lists is there, unchanged, and there is no other."""
    listed = manifest.get("files") or {}
    database = manifest.get("database")
    if database not in listed:
        raise BackupError("The manifest lists no database file; nothing was restored.")
    for name, expected in sorted(listed.items()):
        path = os.path.join(source, name)
        if ".." in name.split("/") or os.path.isabs(name):
            raise BackupError(f"The manifest names a file outside the backup: {name}.")
        if not os.path.isfile(path):
            raise BackupError(f"{name} is missing from the backup; nothing was restored.")
        if os.path.getsize(path) != expected.get("size") or _sha256(path) != expected.get("sha256"):
            raise BackupError(
                f"{name} does not match its checksum in the manifest (truncated or changed); "
                "nothing was restored."
            )
    extra = sorted(set(_files_under(source)) - set(listed) - {MANIFEST})
    if extra:
        raise BackupError(
            f"The backup holds files its manifest does not list ({', '.join(extra[:3])}); "
            "nothing was restored."
        )


def _check_revision(found: str | None, expected: str) -> None:
    if found != expected:
        raise BackupError(
            f"The backup's database is at revision {found}, this code expects {expected}: "
            "restore it with the version of Sinergi that made it (then `flask db upgrade`); "
            "nothing was restored."
        )


def verify_sqlite(path: str) -> str:
    """Open the copy read-only: intact, a Sinergi database, at this code's revision. Returns
    the revision."""
    expected = code_revision()
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise BackupError(
                    f"The backup's database is damaged ({'; '.join(result[:3])}); "
                    "nothing was restored."
                )
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
            if not set(SINERGI_TABLES) <= tables:
                raise BackupError(
                    "The backup's database is not a Sinergi database; nothing was restored."
                )
            found = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            f"The backup's database cannot be read ({exc}); nothing was restored."
        ) from None
    _check_revision(found[0] if found else None, expected)
    return expected


# --- restore --------------------------------------------------------------------------------


def restore(source: str) -> dict:
    """Replace the database and the uploads with the backup in ``source``, after verifying it
    (see the module's docstring). Stop the app first."""
    kind = _engine_kind()
    manifest = read_manifest(source)
    if manifest.get("engine") != kind:
        raise BackupError(
            f"This backup is of a {manifest.get('engine')} database and this installation "
            f"runs {kind}; nothing was restored."
        )
    verify_files(source, manifest)
    saved = os.path.join(source, manifest["database"])
    if kind == "sqlite":
        verify_sqlite(saved)
    else:
        verify_dump(saved)
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the database while it is replaced
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    uploads = current_app.config["UPLOAD_FOLDER"]
    uploads_aside = _set_aside(uploads, stamp)
    try:
        saved_uploads = os.path.join(source, UPLOADS_DIR)
        if os.path.isdir(saved_uploads):
            shutil.copytree(saved_uploads, uploads)
        else:
            os.makedirs(uploads)
        # Last, the database: it puts its own live copy back if it fails.
        if kind == "sqlite":
            _restore_sqlite(saved, stamp)
        else:
            _restore_postgresql(saved, stamp)
    except BaseException as exc:
        shutil.rmtree(uploads, ignore_errors=True)
        if uploads_aside:
            os.replace(uploads_aside, uploads)
        if isinstance(exc, BackupError | OSError | SQLAlchemyError):
            raise BackupError(
                f"The restore failed ({exc}); the live database and uploads were put back."
            ) from exc
        raise
    if uploads_aside:
        shutil.rmtree(uploads_aside)
    return manifest


def _set_aside(path: str, stamp: str) -> str | None:
    if not os.path.exists(path):
        return None
    aside = f"{path}.before-restore-{stamp}"
    os.replace(path, aside)
    return aside


def _restore_sqlite(saved: str, stamp: str) -> None:
    """Put the verified copy in place of the live file; the live file (with its WAL) is kept
    aside until the new one has been checked where it lies, and put back if it fails."""
    live = _url().database
    if os.path.exists(live):
        with sqlite3.connect(live) as connection:  # the WAL's pages into the main file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    aside = {}
    for suffix in ("", "-wal", "-shm"):
        moved = _set_aside(live + suffix, stamp)
        if moved:
            aside[live + suffix] = moved
    try:
        partial = f"{live}.restoring-{stamp}"
        shutil.copyfile(saved, partial)
        os.replace(partial, live)
        verify_sqlite(live)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(live + suffix):
                os.remove(live + suffix)
        for original, moved in aside.items():
            os.replace(moved, original)
        raise
    for moved in aside.values():
        os.remove(moved)


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_env(url: URL) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line (ps shows it)
    return env


def _libpq(url: URL, database: str | None = None) -> str:
    url = url.set(drivername="postgresql", password=None)
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def _run(args: list[str], url: URL, what: str) -> str:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (PostgreSQL's client tools); {what}.")
    done = subprocess.run(  # noqa: S603 (fixed tools, no shell)
        args, env=_pg_env(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:500]}; {what}.")
    return done.stdout


def _pg_dump(target: str) -> None:
    url = _url()
    _run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)],
        url,
        "no backup was written",
    )


def verify_dump(path: str) -> str:
    """The dump can be read by pg_restore, holds Sinergi's tables, and its Alembic revision is
    this code's. Returns the revision."""
    expected = code_revision()
    url = _url()
    listing = _run(
        ["pg_restore", "--list", path], url, "the dump cannot be read; nothing was restored"
    )
    tables = set()
    for line in listing.splitlines():  # "215; 0 16390 TABLE DATA public opd postgres"
        words = line.split()
        for i in range(len(words) - 3):
            if words[i : i + 2] == ["TABLE", "DATA"]:
                tables.add(words[i + 3])
    if not set(SINERGI_TABLES) <= tables:
        raise BackupError("The dump is not of a Sinergi database; nothing was restored.")
    data = _run(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", path],
        url,
        "the dump cannot be read; nothing was restored",
    )
    copied = data.split("FROM stdin;\n", 1)[1] if "FROM stdin;\n" in data else ""
    rows = [row for row in copied.split("\\.", 1)[0].split() if row]
    _check_revision(rows[0] if len(rows) == 1 else None, expected)
    return expected


def _restore_postgresql(saved: str, stamp: str) -> None:
    """Restore into a new database beside the live one, check it, then swap the names; the
    live database is kept (renamed) until the swap has succeeded."""
    url = _url()
    live = url.database
    if not re.fullmatch(r"[A-Za-z0-9_]{1,40}", live or ""):
        raise BackupError(f"Restore needs a plain database name, not {live!r}.")
    fresh, aside = f"{live}_restoring_{stamp}", f"{live}_before_restore_{stamp}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{fresh}"'))
        try:
            _run(
                ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(url, fresh)}"]
                + [saved],
                url,
                "the live database was not touched",
            )
            check = create_engine(url.set(database=fresh))
            try:
                with check.connect() as conn:
                    found = conn.scalar(text("SELECT version_num FROM alembic_version"))
            finally:
                check.dispose()
            _check_revision(found, code_revision())
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": live},
                )
                conn.execute(text(f'ALTER DATABASE "{live}" RENAME TO "{aside}"'))
                try:
                    conn.execute(text(f'ALTER DATABASE "{fresh}" RENAME TO "{live}"'))
                except BaseException:
                    conn.execute(text(f'ALTER DATABASE "{aside}" RENAME TO "{live}"'))
                    raise
        except BaseException:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh}"'))
            raise
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{aside}"'))
    finally:
        admin.dispose()
