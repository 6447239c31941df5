"""Faults on a real server: an evidence upload cut off half-way leaves no report and no file."""

import os
import re
import signal
import socket
import time

import requests
from sqlalchemy import func, select

from app.extensions import db
from followup.models import ProgressUpdate
from tests.files import pdf
from tests.servers import free_port, start_gunicorn

PASSWORD = "rahasia-yang-panjang-1"  # noqa: S105 (a test account)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A real (if tiny) PDF padded to 2 MB: big enough that half of it is a long way from the end.
EVIDENCE = pdf(padding=2 * 1024 * 1024)


def _stored_files(folder) -> list[str]:
    return [os.path.join(d, f) for d, _dirs, files in os.walk(folder) for f in files]


def _reports() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(ProgressUpdate))


def test_an_upload_cut_off_half_way_leaves_no_report_and_no_file(
    app, database_url, make_user, make_opd, make_item, tmp_path
):
    opd = make_opd("DPUPR")
    user = make_user("opd", opd=opd, password=PASSWORD)
    item_id = make_item(opd).id
    folder = tmp_path / "uploads"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, database_url, UPLOAD_FOLDER=str(folder))
    try:
        browser = requests.Session()
        token = CSRF.search(browser.get(f"{base}/login", timeout=10).text).group(1)
        browser.post(
            f"{base}/login",
            data={"csrf_token": token, "email": user.email, "password": PASSWORD},
            timeout=10,
        )
        page = browser.get(f"{base}/tindak-lanjut/{item_id}", timeout=10)
        assert page.status_code == 200
        form = {
            "csrf_token": CSRF.search(page.text).group(1),
            "progress": "60",
            "narrative": "Rapat",
        }
        request = browser.prepare_request(
            requests.Request(
                "POST",
                f"{base}/tindak-lanjut/{item_id}/updates",
                data=form,
                files={"files": ("laporan.pdf", EVIDENCE, "application/pdf")},
            )
        )

        # The phone loses the network half-way through the body.
        head = f"POST /tindak-lanjut/{item_id}/updates HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in request.headers.items()) + "\r\n"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as phone:
            phone.sendall(head.encode() + request.body[: len(request.body) // 2])
        time.sleep(1)  # the worker notices the closed connection and gives up
        assert _reports() == 0
        assert _stored_files(folder) == []

        # Sent again in full, the same report arrives once, with its one file.
        response = browser.send(request, timeout=30, allow_redirects=False)
        assert response.status_code == 302, response.text[:500]
        assert _reports() == 1
        assert len(_stored_files(folder)) == 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
