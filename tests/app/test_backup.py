"""Backup → wipe → restore gives back the same data and the same uploaded files; a backup that
is missing, truncated, damaged, foreign, of another revision or tampered with is refused
before anything is touched, with the live data as it was."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app import uploads
from app.backup import MANIFEST, code_revision
from app.extensions import db
from app.opds.models import Opd
from participants.models import Person
from tests.files import pdf

PDF = pdf()
NAME = "dr. Sri Wahyuni, M.Kes."


@pytest.fixture
def own_uploads(app, tmp_path, monkeypatch):
    """This test's own uploads folder: what a backup counts does not depend on other tests."""
    folder = tmp_path / "live-uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite route; PostgreSQL's is test_postgresql_…")


@pytest.fixture
def postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL route needs TEST_DATABASE_URL=postgresql+psycopg://…")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed")


@pytest.fixture
def live(own_uploads, make_opd, make_person):
    """Live data: an OPD, a person, an uploaded file."""
    opd = make_opd("DINKES", name="Dinas Kesehatan")
    make_person(NAME, opd=opd)
    return uploads.store(PDF, "bukti.pdf", uploads.EVIDENCE_KINDS)


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _backup(app, path) -> str:
    result = _cli(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    return str(path)


def _reseal(folder) -> None:
    """Rewrite the manifest's checksums to fit the files as they are now: what a backup made
    of an already damaged or foreign database would look like."""
    path = os.path.join(folder, MANIFEST)
    with open(path) as handle:
        manifest = json.load(handle)
    for name in manifest["files"]:
        with open(os.path.join(folder, name), "rb") as handle:
            data = handle.read()
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    with open(path, "w") as handle:
        json.dump(manifest, handle)


def _refused(app, folder, message):
    result = _cli(app, "restore", "--yes", str(folder))
    assert result.exit_code != 0, result.output
    assert message in result.output, result.output
    assert "nothing was restored" in result.output or "no Sinergi backup" in result.output
    return result


def _assert_live_untouched(stored):
    db.session.remove()
    assert NAME in db.session.scalars(select(Person.name)).all()
    assert db.session.scalars(select(Opd.code)).all() == ["DINKES"]
    assert uploads.read(stored.sha256) == PDF


def _wipe(stored):
    db.session.execute(Person.__table__.delete())
    db.session.execute(Opd.__table__.delete())
    db.session.commit()
    os.remove(uploads.path_of(stored.sha256))
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def _restored(app, folder, stored):
    result = _cli(app, "restore", "--yes", str(folder))
    assert result.exit_code == 0, result.output
    assert f"revision {code_revision()}" in result.output
    _assert_live_untouched(stored)


# --- SQLite ---------------------------------------------------------------------------------


def test_backup_wipe_restore_gives_the_same_data(app, sqlite_only, tmp_path, live, database_url):
    result = _cli(app, "backup", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    assert "1 uploaded files" in result.output
    assert _cli(app, "backup", str(tmp_path / "b")).exit_code != 0  # never overwrites

    _wipe(live)
    _restored(app, tmp_path / "b", live)
    # Nothing of the old database is left beside the new one once the restore succeeded.
    folder = os.path.dirname(make_url(database_url).database)
    assert [name for name in os.listdir(folder) if "before-restore" in name] == []


def test_restore_refuses_a_directory_that_is_no_backup(app, sqlite_only, tmp_path):
    _refused(app, tmp_path, "no Sinergi backup")


def test_a_backup_without_its_database_is_refused(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    os.remove(os.path.join(folder, "sinergi.db"))
    _refused(app, folder, "sinergi.db is missing from the backup")
    _assert_live_untouched(live)


def test_a_truncated_database_is_refused_by_its_checksum(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    copy = os.path.join(folder, "sinergi.db")
    os.truncate(copy, os.path.getsize(copy) // 2)
    _refused(app, folder, "sinergi.db does not match its checksum")
    _assert_live_untouched(live)


def test_a_database_damaged_before_the_backup_is_refused_by_its_check(
    app, sqlite_only, tmp_path, live
):
    folder = _backup(app, tmp_path / "b")
    copy = os.path.join(folder, "sinergi.db")
    os.truncate(copy, os.path.getsize(copy) // 2)
    _reseal(folder)  # the checksums fit: only opening the database shows the damage
    result = _refused(app, folder, "The backup's database")
    assert "damaged" in result.output or "cannot be read" in result.output
    _assert_live_untouched(live)


def test_a_database_that_is_not_sinergis_is_refused(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    copy = os.path.join(folder, "sinergi.db")
    os.remove(copy)
    foreign = sqlite3.connect(copy)
    foreign.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    foreign.commit()
    foreign.close()
    _reseal(folder)
    _refused(app, folder, "is not a Sinergi database")
    _assert_live_untouched(live)


def test_a_database_of_another_revision_is_refused(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    copy = sqlite3.connect(os.path.join(folder, "sinergi.db"))
    copy.execute("UPDATE alembic_version SET version_num = 'b029db4f8f36'")
    copy.commit()
    copy.close()
    _reseal(folder)
    _refused(app, folder, f"is at revision b029db4f8f36, this code expects {code_revision()}")
    _assert_live_untouched(live)


def test_a_tampered_upload_is_refused(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    saved = os.path.join(folder, "uploads", "files", live.sha256[:2], live.sha256)
    with open(saved, "r+b") as handle:
        handle.seek(20)
        handle.write(b"X")
    _refused(app, folder, f"uploads/files/{live.sha256[:2]}/{live.sha256} does not match")
    _assert_live_untouched(live)


def test_a_file_slipped_into_the_backup_is_refused(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    with open(os.path.join(folder, "uploads", "extra.html"), "w") as handle:
        handle.write("<script>alert(1)</script>")
    _refused(app, folder, "files its manifest does not list (uploads/extra.html)")
    _assert_live_untouched(live)


def test_a_manifest_without_checksums_is_refused(app, sqlite_only, tmp_path, live):
    folder = _backup(app, tmp_path / "b")
    with open(os.path.join(folder, MANIFEST), "w") as handle:
        json.dump({"created_at": "2026-01-01", "revision": None, "database": "sinergi.db"}, handle)
    _refused(app, folder, "has no checksums")
    _assert_live_untouched(live)


FROZEN = datetime(2026, 12, 6, 10, 0, 0, tzinfo=UTC)
STAMP = "20261206100000"  # the restore names what it sets aside after the time


def _after_the_backup(make_person, opd_code="DINKES"):
    """Live data newer than the backup: a failed restore must not lose it."""
    opd = db.session.scalar(select(Opd).where(Opd.code == opd_code))
    make_person("Budi Santoso, S.T.", opd=opd)
    return uploads.store(pdf(padding=64), "baru.pdf", uploads.EVIDENCE_KINDS)


def _assert_newer_data_kept(newer):
    db.session.remove()
    assert "Budi Santoso, S.T." in db.session.scalars(select(Person.name)).all()
    assert uploads.read(newer.sha256) == pdf(padding=64)


def test_a_restore_that_fails_midway_puts_the_live_data_back(
    app, sqlite_only, tmp_path, live, make_person, database_url, time_machine
):
    folder = _backup(app, tmp_path / "b")
    newer = _after_the_backup(make_person)
    time_machine.move_to(FROZEN, tick=False)
    # A real obstacle where the restore writes the copy before swapping it in: the live
    # database has already been set aside when it fails.
    obstacle = f"{make_url(database_url).database}.restoring-{STAMP}"
    os.makedirs(obstacle)
    try:
        result = _cli(app, "restore", "--yes", folder)
    finally:
        os.rmdir(obstacle)
    assert result.exit_code != 0
    assert "The restore failed" in result.output and "were put back" in result.output
    _assert_live_untouched(live)
    _assert_newer_data_kept(newer)
    folder = os.path.dirname(make_url(database_url).database)
    assert [name for name in os.listdir(folder) if "before-restore" in name] == []


# --- PostgreSQL -----------------------------------------------------------------------------


def _set_live_revision(revision: str) -> None:
    db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    db.session.commit()


def test_postgresql_backup_and_restore_verify_first(
    app, postgresql_only, tmp_path, live, database_url
):
    good = _backup(app, tmp_path / "good")
    with open(os.path.join(good, MANIFEST)) as handle:
        assert json.load(handle)["engine"] == "postgresql"

    missing = shutil.copytree(good, tmp_path / "missing")
    os.remove(os.path.join(missing, "sinergi.dump"))
    _refused(app, missing, "sinergi.dump is missing from the backup")

    truncated = shutil.copytree(good, tmp_path / "truncated")
    dump = os.path.join(truncated, "sinergi.dump")
    os.truncate(dump, os.path.getsize(dump) // 2)
    _refused(app, truncated, "sinergi.dump does not match its checksum")
    _reseal(truncated)
    _refused(app, truncated, "the dump cannot be read")

    tampered = shutil.copytree(good, tmp_path / "tampered")
    saved = os.path.join(tampered, "uploads", "files", live.sha256[:2], live.sha256)
    with open(saved, "ab") as handle:
        handle.write(b"%")
    _refused(app, tampered, "does not match its checksum")

    _set_live_revision("b029db4f8f36")  # a backup made by an older version
    try:
        older = _backup(app, tmp_path / "older")
    finally:
        _set_live_revision(code_revision())
    _refused(app, older, f"is at revision b029db4f8f36, this code expects {code_revision()}")

    foreign = shutil.copytree(good, tmp_path / "foreign")
    url = make_url(database_url)
    other = f"{url.database}_foreign"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{other}"'))
        conn.execute(text(f'CREATE DATABASE "{other}"'))
    notes = create_engine(url.set(database=other))
    with notes.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id int primary key, body text)"))
        conn.execute(text("INSERT INTO notes VALUES (1, 'bukan Sinergi')"))
    notes.dispose()
    libpq = url.set(drivername="postgresql", database=other).render_as_string(False)
    subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", f"--file={foreign}/sinergi.dump", libpq],  # noqa: S607
        check=True,
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{other}"'))
    admin.dispose()
    _reseal(foreign)
    _refused(app, foreign, "is not of a Sinergi database")

    _assert_live_untouched(live)

    _wipe(live)
    _restored(app, good, live)
    admin = create_engine(url.set(database="postgres"))
    with admin.connect() as conn:
        names = conn.scalars(text("SELECT datname FROM pg_database")).all()
    admin.dispose()
    assert [name for name in names if "restor" in name] == []  # nothing left aside


def test_postgresql_a_restore_that_fails_puts_the_live_data_back(
    app, postgresql_only, tmp_path, live, make_person, database_url, time_machine
):
    folder = _backup(app, tmp_path / "b")
    newer = _after_the_backup(make_person)
    time_machine.move_to(FROZEN, tick=False)
    url = make_url(database_url)
    obstacle = f"{url.database}_before_restore_{STAMP}"  # the name the live one would take
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{obstacle}"'))
    try:
        result = _cli(app, "restore", "--yes", folder)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{obstacle}"'))
            names = conn.scalars(text("SELECT datname FROM pg_database")).all()
        admin.dispose()
    assert result.exit_code != 0
    assert "The restore failed" in result.output and "were put back" in result.output
    assert [name for name in names if "restoring" in name] == []  # the half-made copy dropped
    _assert_live_untouched(live)
    _assert_newer_data_kept(newer)
