"""Check-in API (contract in DESIGN.md): scans in, answers out; the offline roster; attendance."""

from datetime import UTC, date, datetime
from functools import wraps
from typing import Annotated, Any, Literal

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from pydantic import AwareDatetime, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError
from wtforms.validators import ValidationError

from agenda.permissions import visible_event_or_404
from app import api
from app.auth.permissions import require
from app.core.errors import render_error
from app.extensions import csrf, limiter
from app.timeutil import rfc3339, utcnow
from attendance import checkins, services

bp = Blueprint("attendance_api", __name__, url_prefix="/api/v1")

DEVICE_HEADER = "X-Sinergi-Device"
# A pass token is 43 characters; the scanner cuts whatever else a camera read (a URL, a
# vCard) to this and drops control characters before queueing it (app/static/scanner.js).
CODE_LENGTH = 200


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


class ScanIn(api.Model):
    # A pass's code, or (a manual check-in) the registration picked.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["code"], "properties": {"code": {"minLength": 1}}},
                {
                    "required": ["registration_id"],
                    "properties": {"registration_id": {"type": "integer"}},
                },
            ]
        }
    )

    code: str = api.text(CODE_LENGTH, default="")
    nonce: str = api.text(64, 8)
    session_id: api.DbId | None = None
    registration_id: api.DbId | None = None  # a manual check-in picks the person, not the pass
    # RFC 3339 with its offset (a naive time is refused); "" or null: the server's time.
    scanned_at: Annotated[AwareDatetime, Field(strict=True)] | Literal[""] | None = None

    @model_validator(mode="after")
    def _someone(self):
        if not self.code and self.registration_id is None:
            raise PydanticCustomError("code_or_registration", "code or registration_id")
        return self


def _csrf_unless_bearer(view):
    """A request with the session cookie (the scanner page) carries the CSRF header; checked
    before the body is even read."""

    @wraps(view)
    def checked(**kwargs):
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            try:
                validate_csrf(request.headers.get("X-CSRFToken"))
            except ValidationError:
                return render_error(
                    400, _("Token keamanan tidak sah. Muat ulang halaman pemindai.")
                )
        return view(**kwargs)

    return checked


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(tzinfo=None)


class ScansIn(api.Model):
    scans: list[ScanIn] = Field(min_length=1, max_length=checkins.MAX_BATCH)

    def to_scans(self) -> list[checkins.Scan]:
        return [
            checkins.Scan(
                s.code,
                s.nonce,
                s.session_id,
                _utc(s.scanned_at) if s.scanned_at else None,
                s.registration_id,
            )
            for s in self.scans
        ]


class RegistrationOut(api.Answer):
    id: int
    name: str
    position: str | None
    role: str
    opd: api.OpdOut | None


class ScanResultOut(api.Answer):
    nonce: str
    result: Literal[
        "ok", "duplicate", "revoked", "wrong_event", "not_in_session", "outside_event", "unknown"
    ]
    registration: RegistrationOut | None
    first_checked_at: str | None


class ScanResultsOut(api.Answer):
    results: list[ScanResultOut]


class RosterEventOut(api.Answer):
    slug: str
    title: str
    timezone: str
    status: str
    start_date: date
    end_date: date


class RosterOut(api.Answer):
    event: RosterEventOut
    generated_at: str
    window: dict[str, Any]
    sessions: dict[str, dict[str, Any]]
    passes: dict[str, dict[str, Any]]
    revoked: list[str]
    checked_in: dict[str, list[int]]


class AttendanceQuery(api.Query):
    day: api.QueryDate | None = None
    session: api.QueryId | None = None


class AttendanceRowOut(api.Answer):
    registration_id: int
    name: str
    nip: str | None
    opd: api.OpdOut | None
    status: str
    checked_in_at: str | None
    scope_checked_at: str | None


class AttendanceEventOut(api.Answer):
    slug: str
    day: date


class AttendanceOut(api.Answer):
    event: AttendanceEventOut
    session_id: int | None
    attendance: list[AttendanceRowOut]


@bp.post("/events/<slug>/checkins")
@csrf.exempt  # a bearer token is not sent by browsers on their own; cookies are checked below
@login_required
@limiter.limit(lambda: current_app.config["CHECKIN_RATE_LIMIT"], key_func=_account_key)
@_csrf_unless_bearer
@api.endpoint(
    summary="Record a batch of scans; the answers come in the same order",
    path=api.EventPath,
    body=ScansIn,
    response=ScanResultsOut,
    statuses=(400, 401, 403, 404, 422, 429),
)
def post_checkins(slug, body: ScansIn):
    require("attendance.scan")
    scans = body.to_scans()
    # The event and every pass of the batch in one read (a draft is nobody's to scan).
    event, found = checkins.read_batch(slug, scans)
    if event is None or event.status == "draft":
        abort(404)
    try:
        results = checkins.record_batch(
            event, scans, operator=current_user, device=_device(), found=found
        )
    except checkins.ScanError:
        return render_error(422, _("Sesi yang dipilih bukan bagian dari acara ini."))
    return jsonify(results=results)


@bp.get("/events/<slug>/roster")
@login_required
@api.endpoint(summary="The offline roster of a scanner", path=api.EventPath, response=RosterOut)
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
@api.endpoint(
    summary="Attendance per registration for a day or a session",
    path=api.EventPath,
    query=AttendanceQuery,
    response=AttendanceOut,
)
def attendance(slug, query: AttendanceQuery):
    """Per registration: status of the day (``?day=``) or session (``?session=``), and the
    first ``ok`` check-in at the event."""
    require("attendance.view")
    event = visible_event_or_404(slug)
    try:
        session = services.session_of(event, query.session)
        sheet = services.sheet(event, query.day, session)
    except services.AttendanceError:
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
