"""What participants are told about an event: its facts, their sessions, agenda changes in
words, their links; and the language mail is written in (Bahasa Indonesia, always).
Read by mail, letters, the personal agenda and follow-up's reminders alike, so it lives at the
package level, below them all.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app, g, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from agenda import services as agenda_services
from agenda import versions
from agenda.change_log import describe_change
from agenda.models import AgendaVersion, Event
from app.formatting import long_date, time_in_zone
from participants.models import Registration


@contextmanager
def indonesian():
    """Compose in Bahasa Indonesia, also inside an organiser's English request."""
    # force_locale does nothing while ``g`` is empty; give it something to hold on to.
    g.setdefault("mail_locale", "id")
    with force_locale("id"):
        yield


# --- links --------------------------------------------------------------------------------------


def base_url() -> str:
    """Where participants reach Sinergi: BASE_URL if configured, else this request's host."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


def personal_url(registration: Registration) -> str:
    """The participant's personal page (/p/<link token>) as an absolute URL."""
    token = registration.link_token
    try:
        adapter = current_app.url_map.bind("localhost")
        path = adapter.build("personal.page", {"token": token})
    except BuildError:  # the personal page is not registered (yet): same documented path
        path = f"/p/{token}"
    return base_url() + path


# --- what participants are told about the event -------------------------------------------------


def snapshot_sessions(version: AgendaVersion | None) -> list[dict]:
    return list(version.snapshot["sessions"]) if version is not None else []


def sessions_for_group(sessions: list[dict], group: str, *, with_cancelled=False) -> list[dict]:
    """Sessions for everyone (no track) plus those of ``group``."""
    return [
        s
        for s in sessions
        if (not s["track"] or s["track"] == group) and (with_cancelled or not s["cancelled"])
    ]


@dataclass
class EventFacts:
    """What every message about one event says, worked out once per batch."""

    event: Event
    version: AgendaVersion | None  # latest published agenda (None: not published yet)
    sessions: list[dict]  # its sessions; the live ones when nothing is published
    organiser: str
    _starts: dict = field(default_factory=dict)

    @property
    def zone(self) -> str:
        return self.event.timezone

    @property
    def dates(self) -> str:
        """'Senin, 4 Agustus 2025' or 'Senin, 4 Agustus 2025 s.d. Rabu, 6 Agustus 2025'."""
        start, end = self.event.start_date, self.event.end_date
        if start == end:
            return long_date(start)
        return _("%(start)s s.d. %(end)s", start=long_date(start), end=long_date(end))

    def start_time(self, group: str | None = None) -> str:
        """'08.00 WIB' — the first session (of ``group``, None: of anyone), or ''."""
        if group not in self._starts:
            pool = [s for s in self.sessions if not s["cancelled"]]
            if group is not None:
                pool = sessions_for_group(pool, group)
            first = min((s["starts_at"] for s in pool), default=None)
            self._starts[group] = time_in_zone(first, self.zone) if first else ""
        return self._starts[group]

    def hours(self, group: str | None = None) -> str:
        """'08.00 WIB s.d. selesai' (or '' while there is no session)."""
        start = self.start_time(group)
        return _("%(time)s s.d. selesai", time=start) if start else ""


def event_facts(event: Event, *, live_fallback: bool = True) -> EventFacts:
    version = agenda_services.latest_version(event)
    if version is not None:
        sessions = snapshot_sessions(version)
    elif live_fallback:
        sessions = [versions.session_dict(s) for s in agenda_services.live_sessions(event)]
    else:
        sessions = []
    organiser = (
        event.organiser_opd.name
        if event.organiser_opd
        else current_app.config.get("ORGANISATION_NAME", "")
    )
    return EventFacts(event, version, sessions, organiser)


# --- agenda changes in words --------------------------------------------------------------------


def change_line(change: dict, zone: str) -> str:
    """One change of a published version, e.g. 'Sesi X dipindah Senin 4 Agustus 09.00 WIB →
    10.00 WIB' (the agenda's own wording, detailed for reading in a mailbox)."""
    return describe_change(change, zone, detailed=True)


def changes_for_group(version: AgendaVersion, group: str) -> list[dict]:
    """The version's changes that touch sessions ``group`` attends (all, for everyone)."""
    tracks = {s["id"]: s["track"] for s in version.snapshot["sessions"]}
    return [
        c
        for c in version.changes
        if not tracks.get(c.get("session_id"), "") or tracks.get(c.get("session_id")) == group
    ]
