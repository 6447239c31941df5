"""Heavy documents built in the background (app/background_documents.py,
participants/documents/tasks.py): above BACKGROUND_DOCUMENT_ROWS the badge book and the
participant list are built by a task, the requester follows a progress page and downloads the
file there; nobody else can; old files go. In-process (no broker) and with a REAL worker."""

import io
import time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert

from app import background_documents as jobs
from app.extensions import db
from participants.documents.badges import PER_PAGE
from participants.models import Person, Registration, new_token
from tests.worker import wait_for

TOKEN_URL = "/unduhan/"


def add_people(event, count, opd):
    people = db.session.scalars(
        insert(Person).returning(Person.id),
        [
            {
                "name": f"Pegawai {n:04d}, S.E.",
                "position": "Analis Kebijakan",
                "level": "fungsional",
                "opd_id": opd.id,
            }
            for n in range(count)
        ],
    ).all()
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "person_id": person_id,
                "status": "confirmed",
                "role": "peserta",
                "pass_token": new_token(),
                "link_token": new_token(),
            }
            for person_id in people
        ],
    )
    db.session.commit()


@pytest.fixture
def big_event(app, tmp_path, make_event, make_opd):
    saved = {key: app.config[key] for key in ("BACKGROUND_DOCUMENT_ROWS", "DOWNLOAD_FOLDER")}
    app.config.update(BACKGROUND_DOCUMENT_ROWS=20, DOWNLOAD_FOLDER=str(tmp_path / "downloads"))
    event = make_event("retret-besar", title="Retret Kepala OPD")
    add_people(event, 45, make_opd("BKPSDM", name="Badan Kepegawaian"))
    yield event
    app.config.update(saved)


def start(client, what: str) -> str:
    """Press the button on the registrations page; the download page's address."""
    page = client.get("/manage/events/retret-besar/registrations/").get_data(as_text=True)
    action = f"/events/retret-besar/{what}/background"
    assert f'action="{action}"' in page  # a large event: the button builds in the background
    response = client.submit(action)
    assert response.status_code == 302 and TOKEN_URL in response.location
    return response.location


def test_without_a_broker_the_badges_are_ready_on_the_download_page_for_the_requester_only(
    big_event, login_as
):
    organiser = login_as("organiser")
    url = start(organiser, "badges")
    page = organiser.get(url).get_data(as_text=True)
    assert "Pass · Retret Kepala OPD" in page and "Dokumen siap." in page
    assert 'data-download="ready"' in page and "hx-trigger" not in page
    download = organiser.get(url + "/berkas")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=badge-retret-besar.pdf"
    assert "no-store" in download.headers["Cache-Control"]
    pdf = PdfReader(io.BytesIO(download.data))
    assert len(pdf.pages) == -(-45 // PER_PAGE)
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Pegawai 0000" in text and "Pegawai 0044" in text

    other = login_as("organiser")  # another organiser of the same city
    assert other.get(url).status_code == 404
    assert other.get(url + "/berkas").status_code == 404
    assert login_as("viewer").submit("/events/retret-besar/badges/background").status_code == 403


def test_the_participant_list_in_the_background_opens_with_every_row(big_event, login_as):
    viewer = login_as("viewer")  # pimpinan may download the list, not print badges
    url = start(viewer, "registrations")
    download = viewer.get(url + "/berkas")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 45 and "Pegawai 0017, S.E." in names


def test_small_events_keep_the_direct_links_and_old_downloads_are_removed(
    big_event, app, login_as, make_event
):
    make_event("rakor-kecil")
    organiser = login_as("organiser")
    page = organiser.get("/manage/events/rakor-kecil/registrations/").get_data(as_text=True)
    assert 'href="/events/rakor-kecil/badges.pdf"' in page
    assert "/badges/background" not in page
    url = start(organiser, "badges")
    assert jobs.remove_expired() == 0  # fresh
    later = time.time() + app.config["DOWNLOAD_KEEP_HOURS"] * 3600 + 60
    assert jobs.remove_expired(now=later) == 1
    assert organiser.get(url).status_code == 404
    assert organiser.get(url + "/berkas").status_code == 404


def test_bad_tokens_and_a_missing_csrf_token_are_refused(big_event, login_as):
    organiser = login_as("organiser")
    assert organiser.get("/unduhan/../../etc/passwd").status_code == 404
    assert organiser.get("/unduhan/" + "A" * 32).status_code == 404
    assert organiser.post("/events/retret-besar/badges/background").status_code == 400


def test_a_real_worker_builds_the_badge_book_while_the_page_waits(big_event, login_as, workers):
    organiser = login_as("organiser")
    url = start(organiser, "badges")  # no worker yet: the task waits in Redis
    waiting = organiser.get(url).get_data(as_text=True)
    assert 'data-download="waiting"' in waiting and 'hx-trigger="every 2s"' in waiting
    assert "Menunggu giliran di antrean" in waiting
    assert organiser.get(url + "/berkas").status_code == 404  # nothing to download yet

    workers()

    def ready():
        return 'data-download="ready"' in organiser.get(url + "/kemajuan").get_data(as_text=True)

    wait_for(ready)
    pdf = PdfReader(io.BytesIO(organiser.get(url + "/berkas").data))
    assert len(pdf.pages) == -(-45 // PER_PAGE)
    token = url.rsplit("/", 1)[1]
    job = jobs.read(token)
    assert (job.done, job.total) == (45, 45)
