"""Backup → wipe → restore gives back the same data and the same uploaded files."""

import os

import pytest
from sqlalchemy import func, select

from app import uploads
from app.extensions import db
from app.opds.models import Opd
from participants.models import Person
from tests.files import pdf

PDF = pdf()


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL is backed up with pg_dump (README); this covers the SQLite route")


def test_backup_wipe_restore_gives_the_same_data(app, sqlite_only, tmp_path, make_opd, make_person):
    opd = make_opd("DINKES", name="Dinas Kesehatan")
    make_person("dr. Sri Wahyuni, M.Kes.", opd=opd)
    stored = uploads.store(PDF, "bukti.pdf", uploads.EVIDENCE_KINDS)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "1 uploaded files" in result.output
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code != 0  # never overwrites

    db.session.execute(Person.__table__.delete())
    db.session.execute(Opd.__table__.delete())
    db.session.commit()
    os.remove(uploads.path_of(stored.sha256))
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0

    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.scalar(select(Person.name)) == "dr. Sri Wahyuni, M.Kes."
    assert db.session.scalar(select(Opd.code)) == "DINKES"
    assert uploads.read(stored.sha256) == PDF


def test_restore_refuses_a_directory_that_is_no_backup(app, sqlite_only, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path)])
    assert result.exit_code != 0 and "no Sinergi backup" in result.output
