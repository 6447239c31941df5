"""Public agenda: event list, agenda page, change log, print view, PDF and calendar feeds.

Published and closed events are open to everyone (no login); drafts only to organisers,
who see a preview of the live sessions. Pages read the latest published snapshot.
"""

import hashlib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from agenda import change_log, presenters, printed, speaker_feeds
from agenda.event_links import agenda_panels
from agenda.ical import build_calendar
from agenda.pdf import agenda_pdf
from agenda.permissions import event_visible, visible_event_or_404
from app import cached_pages
from app.cached_pages import accepts_gzip, base_block, nav_html, render_skeleton
from app.encoded_cache import EncodedBody, Lru, compressed_once, encoded_response
from app.extensions import db
from app.i18n import locale_name
from app.timeutil import to_zone, utcnow
from app.urls import id_url

bp = Blueprint("public", __name__, template_folder="templates")

SEEN_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days


# --- helpers ----------------------------------------------------------------------------------


def _webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


def _calendar_headers(response: Response, *, filename: str, last_modified, private: bool) -> None:
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True


def _calendar_response(text: str, *, etag: str, filename: str, last_modified=None, private=False):
    response = Response(text, mimetype="text/calendar")
    response.set_etag(etag)
    _calendar_headers(response, filename=filename, last_modified=last_modified, private=private)
    return compressed_once(response).make_conditional(request)


# --- pages ------------------------------------------------------------------------------------


@bp.get("/events/")
def events():
    today = to_zone(utcnow()).date()
    page = db.paginate(
        presenters.visible_events(current_user, today),
        per_page=20,
        error_out=False,
    )
    return render_template(
        "agenda/public/events.html",
        page=page,
        today=today,
        kinds=presenters.EVENT_KIND_LABELS,
        date_range=presenters.date_range,
    )


@bp.get("/events/<slug>/")
def agenda(slug):
    found = presenters.event_and_latest(slug)
    if found is None or not event_visible(current_user, found[0]):
        abort(404)  # a draft's existence is not revealed either (visible_event_or_404)
    event, latest = found
    source = presenters.agenda_source(event, current_user, latest)
    layout = source.layout
    now = utcnow()
    version = source.version
    seen = change_log.seen_number(request.cookies, event)
    selected = presenters.selected_day(
        layout.days, request.args.get("hari"), to_zone(now, layout.header.timezone).date()
    )
    context = {
        "event": event,
        "header": layout.header,
        "source": source,
        "version": version,
        "days": layout.days,
        "calendar": None,  # a published version's links: in the cached page (_published_page)
        "selected": selected,
        "running": layout.running(now),
        "panels": agenda_panels(event, current_user),
    }
    if version is None:  # a draft's preview, or nothing published yet: rendered every time
        response = Response(
            render_template(
                "agenda/public/agenda.html", **context, sessions_html=_sessions_html(context)
            )
        )
    else:
        response = _published_page(context, seen)
    if version is not None and seen != version.number:
        response.set_cookie(
            change_log.SEEN_COOKIE.format(event.id),
            str(version.number),
            max_age=SEEN_MAX_AGE,
            path=url_for("public.agenda", slug=event.slug),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


_PAGES = Lru(32)  # a 200-session page: ~0.5 MB of parts and ~16 kB of gzip segments


def _published_page(context: dict, seen: int | None) -> Response:
    """A published agenda page from this process's cache of rendered pages.

    The page is rendered once per version, language, open day, running sessions, event status
    and host (the calendar links are absolute); what depends on the reader is a hole filled per
    request: the menu bar (name, menu, CSRF tokens), flashed messages, the panels of some
    roles and the changes since the reader's last visit. The strong ETag covers the key and
    everything the holes are made of, so a 304 is answered before any of them is rendered.
    Publishing makes a new version, hence a new key and a new ETag."""
    event, version = context["event"], context["version"]
    key = (
        *presenters.version_key(version),
        event.slug,
        event.status,
        locale_name(),
        context["selected"],
        frozenset(context["running"]),
        request.host_url,
    )
    panels = "".join(context["panels"])
    flashes = session.get("_flashes")
    seed = repr((cached_pages.RELEASE, key, _reader(), request.full_path, seen, panels, flashes))
    gzip = accepts_gzip()
    etag = hashlib.blake2b(seed.encode(), digest_size=16).hexdigest() + (":gzip" if gzip else "")
    response = Response(mimetype="text/html")
    response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    response.cache_control.private = True
    response.cache_control.no_cache = True
    if not flashes and request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    skeleton = _PAGES.get(key)
    if skeleton is None:
        skeleton = _PAGES.put(
            key,
            render_skeleton(
                "agenda/public/agenda.html",
                **context | {"calendar": _calendar_links(event)},
                sessions_html=_sessions_html(context),
            ),
        )
    fills = {
        "nav": nav_html(),
        "flashes": base_block("flashes") if flashes else "",
        "panels": panels,
        "changes": _changes_html(event, seen, version),
    }
    if gzip:
        response.set_data(skeleton.gzipped(fills))
        response.headers["Content-Encoding"] = "gzip"  # Flask-Compress leaves it alone
    else:
        response.set_data(skeleton.joined(fills))
    return response


def _reader():
    """What of the reader the menu bar shows: nothing for visitors; for a signed-in user who
    they are and their session's CSRF token (made now if it has none), so a page kept by the
    browser (304) never holds another session's forms."""
    if not current_user.is_authenticated:
        return None
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in session:
        generate_csrf()
    return (current_user.id, current_user.name, current_user.role, session.get(field))


def _changes_html(event, seen: int | None, version) -> str:
    changes = change_log.unseen_changes(event, seen, version)
    if not changes:
        return ""
    return render_template(
        "agenda/public/_changes.html", changes=changes, seen=seen, version=version
    )


def _sessions_html(context: dict) -> Markup:
    """The day tabs, sessions and speakers."""
    layout = context["source"].layout
    return Markup(  # noqa: S704 (our own template's output, escaped by Jinja)
        render_template(
            "agenda/public/_sessions.html",
            days=layout.days,
            selected=context["selected"],
            running=context["running"],
            speakers=layout.speakers,
            calendar=context["version"] is not None,
            session_ics=_session_calendar_links(context["event"]),
        )
    )


def _calendar_links(event) -> dict:
    feed = url_for("public.agenda_ics", slug=event.slug, _external=True)
    return {"webcal": _webcal(feed), "download": url_for("public.agenda_ics", slug=event.slug)}


def _session_calendar_links(event):
    """Per-session calendar links from one ``url_for`` each (a long agenda has hundreds)."""
    download = id_url("public.session_ics", "session_id", slug=event.slug)
    webcal = id_url("public.session_ics", "session_id", slug=event.slug, _external=True)
    webcal = (_webcal(webcal[0]), webcal[1])

    return lambda session_id: {
        "download": f"{download[0]}{session_id}{download[1]}",
        "webcal": f"{webcal[0]}{session_id}{webcal[1]}",
    }


@bp.get("/events/<slug>/changes")
def changes(slug):
    event = visible_event_or_404(slug)
    page = db.paginate(change_log.version_history(event), per_page=20, error_out=False)
    return render_template(
        "agenda/public/changes.html",
        event=event,
        header=presenters.header_from_event(event),
        page=page,
        describe=change_log.describe_changes,
    )


@bp.get("/events/<slug>/print")
def print_view(slug):
    event = visible_event_or_404(slug)
    source = presenters.agenda_source(event, current_user)
    return render_template(
        "agenda/public/print.html",
        event=event,
        header=source.header,
        source=source,
        days=printed.print_days(source.layout.days),
    )


@bp.get("/events/<slug>/agenda.pdf")
def agenda_pdf_view(slug):
    event = visible_event_or_404(slug)
    source = presenters.agenda_source(event, current_user)
    if source.preview:
        footer = _("Pratinjau draf – belum diterbitkan")
    elif source.version is not None:
        footer = _("Versi %(number)s", number=source.version.number)
    else:
        footer = ""
    body = agenda_pdf(
        source.header,
        printed.print_days(source.layout.days),
        organisation=current_app.config["ORGANISATION_NAME"],
        footer=footer,
    )
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="susunan-acara-{event.slug}.pdf"'
    return response


# --- calendars (RFC 5545; see DESIGN.md "Contracts") -----------------------------------------


_CALENDARS = Lru(64)  # an agenda.ics is tens of kB, each encoding kept beside it


@bp.get("/events/<slug>/agenda.ics")
def agenda_ics(slug):
    """Served from this process's cache of published calendars: one light statement says
    which version is current (the key), the text is read only on a miss."""
    state = presenters.published_state(slug)
    if state is None or not event_visible(current_user, state) or state.number is None:
        abort(404)
    key = (state.id, state.version_id, state.number, state.published_at)
    body = _CALENDARS.get(key)
    if body is None:
        body = _CALENDARS.put(key, EncodedBody(presenters.calendar_text(state.version_id).encode()))
    response = encoded_response(body, f"{state.id}-{state.number}", "text/calendar")
    _calendar_headers(
        response,
        filename=f"{state.slug}.ics",
        last_modified=state.published_at,
        private=state.status == "draft",
    )
    return response.make_conditional(request)


@bp.get("/events/<slug>/sessions/<int:session_id>.ics")
def session_ics(slug, session_id):
    event = visible_event_or_404(slug)
    version = presenters.latest_published(event, with_snapshot=True)
    if version is None:
        abort(404)
    snapshot = version.snapshot
    item = next((s for s in snapshot["sessions"] if s["id"] == session_id), None)
    if item is None:
        abort(404)
    url = url_for("public.agenda", slug=event.slug, _external=True) + f"#sesi-{session_id}"
    text = build_calendar(item["title"], [(item, snapshot["event"])], version.published_at, url)
    return _calendar_response(
        text,
        etag=f"{event.id}-{version.number}-{session_id}",
        filename=f"{event.slug}-sesi-{session_id}.ics",
        last_modified=version.published_at,
        private=event.status == "draft",
    )


@bp.get("/speakers/<feed_token>/agenda.ics")
def speaker_calendar(feed_token):
    speaker = speaker_feeds.speaker_by_token(feed_token)
    if speaker is None:
        abort(404)
    feed = speaker_feeds.speaker_feed(speaker)
    if feed.etag in request.if_none_match:
        return _calendar_response("", etag=feed.etag, filename="agenda.ics", private=True)
    return _calendar_response(
        speaker_feeds.speaker_calendar(speaker, feed, utcnow()),
        etag=feed.etag,
        filename="agenda.ics",
        private=True,
    )
