"""Certificates: the rule decides who gets one, numbers stay, the QR proves it is genuine."""

import io
import re
import shutil
import subprocess
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.timeutil import to_zone, utcnow
from attendance.models import Certificate

ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


def test_qualifiers_get_numbered_certificates_that_verify(
    app,
    tmp_path,
    make_event,
    make_session,
    make_registration,
    make_person,
    check_in,
    login_as,
    client,
):
    event = make_event(
        "pelatihan-sakip",
        title="Pelatihan SAKIP",
        kind="capacity_building",
        start=to_zone(utcnow()).date() - timedelta(days=2),
    )
    sessions = [
        make_session(
            event,
            f"{8 + i:02d}:00",
            f"{8 + i:02d}:50",
            takes_attendance=True,
            title=f"Modul {i + 1}",
        )
        for i in range(4)
    ]
    diligent = make_registration(
        event, make_person("Rina Kusuma, S.E.", nip="198609262015051001"), status="confirmed"
    )
    partial = make_registration(event, make_person("Budi Hartono"), status="confirmed")
    for session in sessions:
        check_in(diligent, session, session.starts_at)
    check_in(partial, sessions[0], sessions[0].starts_at)
    check_in(partial, sessions[1], sessions[1].starts_at)
    organiser = login_as("organiser")

    organiser.submit(
        "/events/pelatihan-sakip/certificates",
        {"title": "SERTIFIKAT", "min_percent": "75", "hours": "32"},
    )
    response = organiser.submit("/events/pelatihan-sakip/certificates/issue", follow_redirects=True)
    assert "1 sertifikat diterbitkan" in response.get_data(as_text=True)
    again = organiser.submit("/events/pelatihan-sakip/certificates/issue", follow_redirects=True)
    assert "0 sertifikat diterbitkan" in again.get_data(as_text=True)

    [certificate] = db.session.scalars(select(Certificate)).all()
    assert certificate.registration_id == diligent.id and certificate.percent == 100
    assert certificate.number.startswith("001/SERT/PELATIHAN-SAKIP/")

    pdf = organiser.get("/events/pelatihan-sakip/certificates.pdf").data
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Rina Kusuma, S.E." in text and "32 jam pelajaran (JP)" in text
    assert "Budi Hartono" not in text
    # The QR on the paper opens the public check, which says no more than it must.
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 (fixed program, our own PDF)
        [PDFTOPPM, "-r", "150", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "c")], check=True
    )
    image = next(tmp_path.glob("c*.png"))
    decoded = subprocess.run(  # noqa: S603 (fixed program, our own image)
        [ZBARIMG, "--raw", "-q", str(image)], capture_output=True, text=True, check=True
    )
    url = decoded.stdout.strip()
    assert url.endswith(f"/sertifikat/{certificate.token}")
    page = client.get(re.sub(r"^https?://[^/]+", "", url))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "asli" in html and "Rina Kusuma, S.E." in html
    assert "32 JP" in html and "1986" not in html  # name, event, date, JP — not the NIP
    assert client.get("/sertifikat/palsu").status_code == 404

    personal = client.get(f"/p/{diligent.link_token}/").get_data(as_text=True)
    assert "Unduh sertifikat 001/SERT" in personal
    own = client.get(f"/p/{diligent.link_token}/certificate.pdf")
    assert own.status_code == 200 and own.mimetype == "application/pdf"
    assert client.get(f"/p/{partial.link_token}/certificate.pdf").status_code == 404
    assert login_as("viewer").get("/events/pelatihan-sakip/certificates").status_code == 403
