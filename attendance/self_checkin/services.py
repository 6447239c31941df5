"""Self check-in: the projector shows a code that changes every 30 seconds; a participant scans
it with their own phone, which Sinergi knows from their personal link opened there before.

The code is an HMAC of a per-session secret (derived from the app's secret and the session's
stable uid) and the 30-second window, so a photo of the screen sent to a friend at home stops
working within a minute. The current and the previous window are accepted (the phone may need
a few seconds to open the link); a phone checks in one person per session ("titip absen").
"""

import base64
import hashlib
import hmac
import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from agenda.models import Session as AgendaSession
from app.extensions import db
from app.timeutil import utcnow
from attendance.checkins import Place, Scan, new_nonce, outside_message, record_scan
from attendance.models import CheckIn
from participants.models import Registration

WINDOW_SECONDS = 30


class SelfCheckInError(ValueError):
    """Refused self check-in; the message tells the participant what to do."""


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def session_code(session: AgendaSession, window: int) -> str:
    secret = hmac.new(
        current_app.config["SECRET_KEY"].encode(), f"self-checkin:{session.uid}".encode(), "sha256"
    ).digest()
    mac = hmac.new(secret, str(window).encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode().lower()


def check_code(session: AgendaSession, window: int, code: str, now: float | None = None) -> None:
    """Raise SelfCheckInError unless ``code`` is this session's code of the current or previous
    window."""
    if not hmac.compare_digest(session_code(session, window), code or ""):
        raise SelfCheckInError(
            _l("Kode ini tidak berlaku untuk sesi ini. Pindai kode yang tampil di layar ruangan.")
        )
    if window not in (current_window(now), current_window(now) - 1):
        raise SelfCheckInError(
            _l("Kode ini sudah kedaluwarsa. Pindai lagi kode yang sedang tampil di layar.")
        )
    if session.cancelled or not session.takes_attendance:
        raise SelfCheckInError(_l("Sesi ini tidak mengambil presensi."))
    check_time(session)


def check_time(session: AgendaSession) -> None:
    """Raise SelfCheckInError unless the session takes check-ins now (the door's rule, see
    checkins.Place): a code shown on a screen weeks before, or after the event is closed,
    checks nobody in. Refused like a wrong code: nothing is stored."""
    event = session.event
    if Place.of(event, session).day_of(utcnow()) is None:
        raise SelfCheckInError(outside_message(event, session))


def not_open_message(session: AgendaSession) -> str | None:
    """What the projector says while the session takes no check-ins (before it opens, after it
    closes): the code is shown all the same, but checks nobody in (``check_time``)."""
    event = session.event
    place, now = Place.of(event, session), utcnow()
    if place.day_of(now) is not None:
        return None
    if now < place.opens_at and not place.closed:
        opening = _("Presensi mandiri belum dibuka.")
    else:
        opening = _("Presensi mandiri sudah ditutup.")
    return f"{opening} {outside_message(event, session)}"


def session_for_phone(session_id: int) -> AgendaSession | None:
    """The session a participant's phone checks in to: none of a draft event."""
    session = db.session.get(AgendaSession, session_id)
    return None if session is None or session.event.status == "draft" else session


def recognised(session: AgendaSession, registration: Registration | None, device: str) -> None:
    """Raise SelfCheckInError unless this phone opened a personal link of the session's event."""
    if registration is None or registration.event_id != session.event_id:
        raise SelfCheckInError(
            _l(
                "Perangkat ini belum dikenali. Buka dulu tautan pribadi Anda (dari undangan) "
                "di ponsel ini, lalu pindai lagi kode di layar."
            )
        )
    if not device:
        raise SelfCheckInError(_l("Perangkat ini belum dikenali."))


def check_in(session: AgendaSession, registration: Registration | None, device: str) -> dict:
    """Record ``registration``'s attendance at ``session`` from ``device``; commits."""
    recognised(session, registration, device)
    check_time(session)
    other = db.session.scalar(
        select(CheckIn.id).where(
            CheckIn.session_id == session.id,
            CheckIn.device == device,
            CheckIn.method == "self",
            CheckIn.result == "ok",
            CheckIn.registration_id != registration.id,
        )
    )
    if other is not None:
        raise SelfCheckInError(
            _l(
                "Ponsel ini sudah dipakai presensi peserta lain di sesi ini. "
                "Setiap peserta presensi dengan ponselnya sendiri."
            )
        )
    event = session.event
    return record_scan(
        Place.of(event, session),
        Scan(code=registration.pass_token, nonce=new_nonce()),
        method="self",
        device=device,
    )
