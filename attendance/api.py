"""Check-in API (contract in DESIGN.md): scans in, answers out; the offline roster; attendance."""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from agenda.permissions import visible_event_or_404
from app.auth.permissions import require
from app.core.errors import render_error
from app.extensions import csrf, limiter
from app.timeutil import rfc3339, utcnow
from attendance import checkins, services

bp = Blueprint("attendance_api", __name__, url_prefix="/api/v1")

DEVICE_HEADER = "X-Sinergi-Device"


def _device() -> str:
    return (request.headers.get(DEVICE_HEADER) or "").strip()[:64]


def _account_key() -> str:
    # Per account: a scanner's login or its API token (one per device). The device id the
    # scanner sends is the client's own choice, so a new one must not open a new budget; it
    # is recorded with each scan, never used as the key. Several operators behind one hotel
    # NAT keep their own budgets, as they sign in with their own accounts.
    if current_user.is_authenticated:
        return f"checkin:user:{current_user.id}"
    return f"checkin:addr:{request.remote_addr}"


def _instant(value) -> datetime | None:
    """An RFC 3339 instant as naive UTC; a naive time is refused (the contract)."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError
    return parsed.astimezone(UTC).replace(tzinfo=None)


def _scans(payload) -> list[checkins.Scan]:
    if not isinstance(payload, dict) or not isinstance(payload.get("scans"), list):
        raise ValueError(_('Kirim {"scans": [...]}.'))
    items = payload["scans"]
    if not 1 <= len(items) <= checkins.MAX_BATCH:
        raise ValueError(
            _("Satu kiriman memuat 1 sampai %(max)s pindaian.", max=checkins.MAX_BATCH)
        )
    scans = []
    for number, item in enumerate(items, start=1):
        try:
            code, nonce = item.get("code", ""), item["nonce"]
            session_id, registration_id = item.get("session_id"), item.get("registration_id")
            if not isinstance(code, str) or not isinstance(nonce, str):
                raise ValueError
            if not 8 <= len(nonce) <= 64:
                raise ValueError
            for number_field in (session_id, registration_id):
                if number_field is not None and type(number_field) is not int:
                    raise ValueError
            if not code and registration_id is None:
                raise ValueError
            scans.append(
                checkins.Scan(
                    code[:200],
                    nonce,
                    session_id,
                    _instant(item.get("scanned_at")),
                    registration_id,
                )
            )
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                _(
                    "Pindaian ke-%(number)s tidak lengkap: perlu code, nonce (8–64 karakter), "
                    "session_id (angka atau null) dan scanned_at (RFC 3339).",
                    number=number,
                )
            ) from None
    return scans


@bp.post("/events/<slug>/checkins")
@csrf.exempt  # a bearer token is not sent by browsers on their own; cookies are checked below
@login_required
@limiter.limit(lambda: current_app.config["CHECKIN_RATE_LIMIT"], key_func=_account_key)
def post_checkins(slug):
    require("attendance.scan")
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            return render_error(400, _("Token keamanan tidak sah. Muat ulang halaman pemindai."))
    event = visible_event_or_404(slug)
    if event.status == "draft":
        abort(404)
    try:
        scans = _scans(request.get_json(silent=True))
        results = checkins.record_batch(event, scans, operator=current_user, device=_device())
    except checkins.ScanError:
        return render_error(422, _("Sesi yang dipilih bukan bagian dari acara ini."))
    except ValueError as exc:
        return render_error(422, str(exc))
    return jsonify(results=results)


@bp.get("/events/<slug>/roster")
@login_required
def roster(slug):
    """The offline roster of a scanner; sent with no-store so no cache keeps it."""
    require("attendance.scan")
    event = visible_event_or_404(slug)
    response = jsonify(
        event={
            "slug": event.slug,
            "title": event.title,
            "timezone": event.timezone,
            "status": event.status,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
        },
        generated_at=rfc3339(utcnow()),
        **services.roster(event),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/events/<slug>/attendance")
@login_required
def attendance(slug):
    """Per registration: status of the day (``?day=``) or session (``?session=``), and the
    first ``ok`` check-in at the event."""
    require("attendance.view")
    event = visible_event_or_404(slug)
    try:
        session = services.session_of(event, request.args.get("session", type=int))
        day = request.args.get("day")
        sheet = services.sheet(
            event, datetime.strptime(day, "%Y-%m-%d").date() if day else None, session
        )
    except (services.AttendanceError, ValueError):
        return render_error(422, _("Hari atau sesi tidak dikenal."))
    first = services.first_checkins(event)
    return jsonify(
        event={"slug": event.slug, "day": sheet.day.isoformat()},
        session_id=session.id if session else None,
        attendance=[
            {
                "registration_id": row.registration.id,
                "name": row.person.name,
                "nip": row.person.nip,
                "opd": {"code": row.opd.code, "name": row.opd.name} if row.opd else None,
                "status": row.status,
                "checked_in_at": rfc3339(first.get(row.registration.id)),
                "scope_checked_at": rfc3339(row.checked_at),
            }
            for row in sheet.rows
        ],
    )
