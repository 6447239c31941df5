"""The participant's personal page ``/p/<link_token>/``: no login, the link token is the secret.

It shows the event, the participant's own agenda (their group's sessions and those for
everyone), an RSVP form and, once confirmed, the QR pass. A small service worker scoped to
``/p/<token>/`` keeps the page (and so the pass) available offline once opened; a web app
manifest lets it be added to the home screen. Nothing here shows another participant's data.
"""

import hashlib
import secrets
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from app import pwa
from app.encoded_cache import EncodedBody, Lru, encode_into, encoded_response
from app.extensions import db
from app.i18n import locale_name
from participants import passes
from participants.forms import ANSWER_LABELS, REGISTRATION_STATUS_LABELS, ROLE_LABELS, RsvpForm
from participants.mail import whatsapp
from participants.registrations import changes, delegates, personal_agenda
from participants.registrations.core import RegistrationError

bp = Blueprint("personal", __name__, template_folder="templates")

THEME_COLOR = pwa.THEME_COLOR
# What the service worker keeps for offline use besides the page itself.
OFFLINE_ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "sinergi.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "sinergi.js",
)


# Sections other packages add below the agenda (e.g. attendance): func(registration) -> html.
_SECTIONS: list[tuple[int, Callable]] = []


def personal_section(order: int = 50):
    def register(func):
        _SECTIONS.append((order, func))
        _SECTIONS.sort(key=lambda item: item[0])
        return func

    return register


# The phone remembers whose personal link it opened (signed, HttpOnly; the link itself, so a
# replaced link stops working here too), so that a scan of a session's self check-in code
# knows who is scanning, and which phone it is.
DEVICE_COOKIE = "sinergi_peserta"
_MAX_REMEMBERED = 20


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="personal-device")


def _remembered() -> tuple[str, dict[str, str]]:
    try:
        value = _device_serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
        return str(value["d"]), {str(k): str(v) for k, v in value["e"].items()}
    except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return "", {}


def remembered_device(event_id: int):
    """(device id, registration) of this browser for an event: the participant whose personal
    link was last opened here, if that link is still theirs; ("", None) for a new browser."""
    device, links = _remembered()
    token = links.get(str(event_id))
    found = passes.lookup(token, "link") if token else None
    if found is None or found.state != "active" or found.registration.event_id != event_id:
        return device, None
    return device, found.registration


def _remember(response: Response, registration) -> None:
    device, events = _remembered()
    events.pop(str(registration.event_id), None)
    events[str(registration.event_id)] = registration.link_token
    events = dict(list(events.items())[-_MAX_REMEMBERED:])
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"d": device or secrets.token_hex(12), "e": events}),
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def _private(response: Response, cache: str = "no-cache") -> Response:
    """Personal responses: never shared by caches, never leak the token by referrer or index."""
    response.headers["Cache-Control"] = f"private, {cache}"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _registration(token: str):
    """The registration of an active link token; 404 otherwise (a replaced link gets a kind
    page that still shows nothing of the participant)."""
    found = passes.lookup(token, "link")
    if found.state == "active":
        return found.registration
    if found.state == "revoked":
        response = render_template("participants/personal/gone.html")
        abort(_private(Response(response, status=404)))
    abort(404)


@bp.get("/p/<token>/")
def page(token):
    registration = _registration(token)
    agenda = personal_agenda.personal_agenda(registration)
    form = RsvpForm()
    response = _page_response(_render(registration, agenda, form))
    _remember(response, registration)
    return response


def _render(registration, agenda, form, status=200):
    show_pass = registration.status == "confirmed"
    delegates = changes.active_delegates(registration)
    response = Response(
        render_template(
            "participants/personal/page.html",
            registration=registration,
            person=registration.person,
            event=registration.event,
            agenda=agenda,
            agenda_html=_agenda_html(registration, agenda),
            form=form,
            can_answer=registration.status != "cancelled" and registration.event.status != "closed",
            answers=ANSWER_LABELS
            if registration.delegate_of_id is None
            else {k: v for k, v in ANSWER_LABELS.items() if k != "delegated"},
            show_pass=show_pass,
            # The SVG is drawn by the qrcode library from our own opaque token.
            qr=Markup(passes.qr_svg(registration.pass_token)) if show_pass else None,  # noqa: S704
            delegate=delegates[0] if delegates else None,
            delegate_url=url_for("personal.page", token=delegates[0].link_token, _external=True)
            if delegates
            else None,
            delegate_whatsapp=whatsapp.share_link(delegates[0]) if delegates else None,
            statuses=REGISTRATION_STATUS_LABELS,
            roles=ROLE_LABELS,
            theme_color=THEME_COLOR,
            # Rendered by our own templates (escaped there).
            sections=[Markup(html) for _o, func in _SECTIONS if (html := func(registration))],  # noqa: S704
        ),
        status=status,
    )
    return _private(response)


_AGENDA_HTML = Lru(256)  # a participant's agenda section: tens of kB (a few MB per worker)


def _agenda_html(registration, agenda) -> Markup:
    """The participant's agenda section, rendered once per published version, language and
    registration (its group and link); before publication it is a line, rendered each time."""
    key = (
        agenda.key,
        locale_name(),
        registration.id,
        registration.group,
        registration.link_token,
        request.host_url,
    )
    html = _AGENDA_HTML.get(key) if agenda.has_agenda else None
    if html is None:
        html = Markup(  # noqa: S704 (our own template's output, escaped by Jinja)
            render_template(
                "participants/personal/_agenda.html", agenda=agenda, registration=registration
            )
        )
        if agenda.has_agenda:
            _AGENDA_HTML.put(key, html)
    return html


def _page_response(response: Response) -> Response:
    """The page under a strong ETag of its own bytes, read without this request's signed CSRF
    token (it carries the time) but with the session's token it signs: a browser keeps its copy
    (304) while nothing on it changed, and never one holding another session's form."""
    data = response.get_data()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed, raw = g.get(field), session.get(field, "")
    seed = (data.replace(signed.encode(), b"") if signed else data) + str(raw).encode()
    etag = hashlib.blake2b(seed, digest_size=16).hexdigest()
    return encode_into(response, EncodedBody(data), etag)


@bp.post("/p/<token>/rsvp")
def rsvp(token):
    registration = _registration(token)
    form = RsvpForm()
    if form.validate_on_submit():
        if form.answer.data == "delegated" and registration.delegate_of_id is not None:
            form.answer.errors.append(_("Seorang wakil tidak dapat mewakilkan lagi."))
        else:
            try:
                delegates.respond(
                    registration,
                    form.answer.data,
                    {
                        "name": form.delegate_name.data,
                        "position": form.delegate_position.data,
                        "phone": form.delegate_phone.data,
                        "email": form.delegate_email.data,
                    },
                )
            except RegistrationError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            else:
                db.session.commit()
                flash(_("Terima kasih, jawaban Anda sudah kami terima."), "success")
            return redirect(url_for("personal.page", token=token))
    return _render(registration, personal_agenda.personal_agenda(registration), form, 422)


_CALENDARS = Lru(256)  # a participant's calendar: a few kB, each encoding kept beside it


@bp.get("/p/<token>/agenda.ics")
def calendar(token):
    """Built once per published version and registration (its group and status) per process;
    a calendar app asking again costs the look-ups of the link and of the latest version."""
    registration = _registration(token)
    agenda = personal_agenda.personal_agenda(registration)
    etag = personal_agenda.calendar_etag(registration, agenda)
    url = url_for("personal.page", token=token, _external=True)
    key = (etag, agenda.key, url) if agenda.has_agenda else None
    body = _CALENDARS.get(key) if key else None
    if body is None:
        text = personal_agenda.personal_calendar(registration, agenda, url)
        body = EncodedBody(text.encode())
        if key:  # before publication the calendar is empty and stamped now: not kept
            _CALENDARS.put(key, body)
    response = encoded_response(body, etag, "text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="agenda-saya.ics"'
    return _private(response).make_conditional(request)


@bp.get("/p/<token>/sw.js")
def service_worker(token):
    _registration(token)
    return _private(
        pwa.worker_response(
            url_for("personal.page", token=token),
            pwa.offline_assets(OFFLINE_ASSETS),
            "sinergi-pass",
            forget_when_gone=True,
        )
    )


@bp.get("/p/<token>/manifest.webmanifest")
def manifest(token):
    registration = _registration(token)
    start = url_for("personal.page", token=token)
    return _private(
        pwa.manifest_response(
            _("Pass %(event)s", event=registration.event.title),
            _("Pass acara"),
            start,
            url_for("personal.icon"),
        )
    )


@bp.get("/p/icon.svg")
def icon():
    response = Response(
        render_template("participants/personal/icon.svg", color=THEME_COLOR),
        mimetype="image/svg+xml",
    )
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
