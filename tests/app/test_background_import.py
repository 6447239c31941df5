"""Large imports saved in the background (app/staged_import.py ``save_in_background``): a file
of more than BACKGROUND_IMPORT_ROWS rows is confirmed as usual, then written by a task while the
user follows it on the progress page (/unduhan/<token>): the result's message and a link to the
data, all rows or none, one audit entry naming the user, the token used once. In-process (no
broker) and with a REAL worker."""

import re

import pytest
from sqlalchemy import select

from app import background_documents as jobs
from app.audit.models import AuditEntry
from app.extensions import db
from app.opds.models import Opd
from tests.app.test_staged_import import FLOWS, _audits, _confirm, _flows, _preview
from tests.worker import wait_for

MESSAGES = {
    "people": "Impor selesai: 2 orang baru",
    "opds": "Impor selesai: 2 OPD baru",
    "items": "2 tindak lanjut diimpor.",
    "realisation": "Realisasi disimpan: 2 baru",
}
LINK = re.compile(r'href="([^"]+)" data-import-link')


@pytest.fixture
def flows(app, city, make_event, tmp_path):
    saved = {key: app.config[key] for key in ("BACKGROUND_IMPORT_ROWS", "DOWNLOAD_FOLDER")}
    app.config.update(BACKGROUND_IMPORT_ROWS=1, DOWNLOAD_FOLDER=str(tmp_path / "downloads"))
    make_event("sm-iii")
    yield _flows(city)
    app.config.update(saved)


def _last_import() -> AuditEntry:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id.desc())
    ).first()


def _imports() -> int:
    return len(db.session.scalars(select(AuditEntry.id).where(AuditEntry.action == "import")).all())


def test_the_threshold_is_one_setting_defaulting_to_2000_rows(app):
    assert app.config["BACKGROUND_IMPORT_ROWS"] == 2000


@pytest.mark.parametrize("name", FLOWS)
def test_without_a_broker_a_large_import_is_saved_and_the_page_says_so(name, flows, login_as):
    flow = flows[name]
    client = login_as(flow.role)
    before, audits = flow.count(), _audits()
    _page, fields = _preview(client, flow, flow.good)
    response = _confirm(client, flow, fields)
    assert response.status_code == 302 and response.location.startswith("/unduhan/")
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-download="ready"' in page and "hx-trigger" not in page
    assert MESSAGES[name] in page and "Impor besar disimpan di latar belakang" in page
    link = LINK.search(page).group(1)
    assert client.get(link).status_code == 200  # where the data is
    assert flow.count() == before + 2 and _audits() > audits
    entry = _last_import()
    assert entry.user_id == client.user.id and entry.changes["baris"] == [None, 2]
    # The token is used: a second confirm writes nothing and says so.
    again = _confirm(client, flow, fields)
    assert "Impor ini sudah disimpan" in client.get(again.location).get_data(as_text=True)
    assert flow.count() == before + 2
    # The page is the importer's alone.
    assert login_as(flow.role).get(response.location).status_code == 404


def test_a_database_changed_before_the_task_writes_nothing_and_leads_back(
    flows, login_as, app, monkeypatch
):
    """The task plans again: what the preview promised no longer holds → nothing written, the
    page says why and links to the preview, which can then be saved."""
    flow = flows["opds"]
    client = login_as(flow.role)
    _page, fields = _preview(client, flow, flow.good)
    imports = _imports()
    # The preview promised 2 new OPDs; the request sees that, the task (later) does not.
    real_start = jobs.start

    def start_after_a_change(*args, **kwargs):
        db.session.add(
            Opd(code="DISHUB", name="Dinas Perhubungan", short_name="Dishub", kind="dinas")
        )
        db.session.commit()
        return real_start(*args, **kwargs)

    monkeypatch.setattr(jobs, "start", start_after_a_change)
    response = _confirm(client, flow, fields)
    monkeypatch.undo()
    page = client.get(response.location).get_data(as_text=True)
    assert 'data-download="failed"' in page and "Data berubah sejak pratinjau" in page
    assert f'href="{flow.base}/preview?token={fields["token"]}"' in page
    assert db.session.scalar(select(Opd.id).where(Opd.code == "DLH")) is None
    assert _imports() == imports
    # The preview is still the user's: seen again (1 new, 1 unchanged) and saved.
    preview = client.get(f"{flow.base}/preview?token={fields['token']}").get_data(as_text=True)
    expected = re.search(r'name="expected" value="([^"]*)"', preview).group(1)
    saved = _confirm(client, flow, fields | {"expected": expected})
    assert MESSAGES["opds"].replace("2", "1") in client.get(saved.location).get_data(as_text=True)
    assert db.session.scalar(select(Opd.id).where(Opd.code == "DLH")) is not None


@pytest.mark.parametrize("name", ["opds", "items"])
def test_a_real_worker_saves_a_large_import_while_the_page_waits(name, flows, login_as, workers):
    flow = flows[name]
    client = login_as(flow.role)
    before = flow.count()
    _page, fields = _preview(client, flow, flow.good)
    url = _confirm(client, flow, fields).location  # no worker yet: the task waits in Redis
    waiting = client.get(url).get_data(as_text=True)
    assert 'data-download="waiting"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert flow.count() == before
    # The claim is the task's: a second click neither writes nor queues anything.
    twice = _confirm(client, flow, fields)
    assert not twice.location.startswith("/unduhan/")

    workers()

    def ready():
        return 'data-download="ready"' in client.get(url + "/kemajuan").get_data(as_text=True)

    wait_for(ready)
    page = client.get(url).get_data(as_text=True)
    assert MESSAGES[name] in page and client.get(LINK.search(page).group(1)).status_code == 200
    db.session.expire_all()
    assert flow.count() == before + 2
    entry = _last_import()
    assert entry.user_id == client.user.id and entry.changes["baris"] == [None, 2]
    if name == "items":  # the items name the user who imported them, as in the request
        from followup.models import ActionItem

        items = db.session.scalars(select(ActionItem)).all()
        assert {item.created_by_id for item in items} == {client.user.id}
