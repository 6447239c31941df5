"""What the public agenda pages show: events, which version, the agenda day by day.

Everything here reads a published snapshot (``AgendaVersion.snapshot``, see
``versions.build_snapshot``) — or, for organisers looking at a draft, the same shape built
from the live sessions — so a page costs a constant number of queries however long the agenda.
Times in a snapshot are naive UTC ISO strings; they are shown in the event's zone. About 400
lines: the view models of one page family (agenda page, personal page, print), kept together.
"""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from threading import Lock
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import aliased, defer, load_only

from agenda import services, versions
from agenda.forms import (  # the labels the organiser pages use too
    EVENT_KIND_LABELS,
    SESSION_KIND_LABELS,
    SPEAKER_ROLE_LABELS,
)
from agenda.models import AgendaVersion, Event
from app.auth.permissions import can
from app.extensions import db
from app.formatting import long_date
from app.i18n import locale_name
from app.timeutil import zone_abbreviation

PUBLIC_STATUSES = ("published", "closed")

ROLE_LABELS = SPEAKER_ROLE_LABELS


def local_time(value: str, zone: str) -> datetime:
    """A snapshot time (naive UTC ISO string) as an aware datetime in ``zone``."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, locale: str) -> str:
    # A long agenda repeats the same few dozen times of day: format each once per locale.
    return format_time(time(hour, minute), "short", locale=locale)


def hour_minute(value: datetime, locale: str | None = None) -> str:
    """'09.30' (a local datetime's wall-clock time)."""
    return _clock(value.hour, value.minute, locale or locale_name())


def time_range(start: datetime, end: datetime, zone: str, locale: str | None = None) -> str:
    """'09.30–10.30 WIB' (local aware datetimes)."""
    locale = locale or locale_name()
    return f"{hour_minute(start, locale)}–{hour_minute(end, locale)} {zone_abbreviation(zone)}"


def date_range(start: date, end: date) -> str:
    """'Senin, 4 Agustus 2025 – Rabu, 6 Agustus 2025' (one date when it is a one-day event)."""
    if start == end:
        return long_date(start)
    return f"{long_date(start)} – {long_date(end)}"


def manages_agendas(user) -> bool:
    return can(user, "agenda.manage")


# --- events ---------------------------------------------------------------------------------


def visible_events(user, today: date):
    """Events ``user`` may see: upcoming (and running) first by start date, then past ones,
    most recent first. Drafts only for those who manage agendas."""
    upcoming = Event.end_date >= today
    query = select(Event).order_by(
        case((upcoming, 0), else_=1),
        case((upcoming, Event.start_date), else_=None),
        Event.start_date.desc(),
        Event.id.desc(),
    )
    if not manages_agendas(user):
        query = query.where(Event.status.in_(PUBLIC_STATUSES))
    return query


@dataclass(frozen=True)
class EventHeader:
    title: str
    slug: str
    kind_label: str
    start_date: date
    end_date: date
    timezone: str
    venue: str
    description: str

    @property
    def zone_label(self) -> str:
        return zone_abbreviation(self.timezone)

    @property
    def dates(self) -> str:
        return date_range(self.start_date, self.end_date)

    @property
    def days(self) -> list[date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(max(count, 1))]


def header_from_snapshot(event: dict) -> EventHeader:
    return EventHeader(
        title=event["title"],
        slug=event["slug"],
        kind_label=str(EVENT_KIND_LABELS.get(event["kind"], event["kind"])),
        start_date=date.fromisoformat(event["start_date"]),
        end_date=date.fromisoformat(event["end_date"]),
        timezone=event["timezone"],
        venue=event["venue"],
        description=event["description"],
    )


def header_from_event(event: Event) -> EventHeader:
    return EventHeader(
        title=event.title,
        slug=event.slug,
        kind_label=str(EVENT_KIND_LABELS.get(event.kind, event.kind)),
        start_date=event.start_date,
        end_date=event.end_date,
        timezone=event.timezone,
        venue=event.venue,
        description=event.description,
    )


# --- which agenda is shown --------------------------------------------------------------------


def latest_published(event: Event, *, with_snapshot: bool = True) -> AgendaVersion | None:
    """The latest version, never with its calendar text; without its snapshot on request
    (it then loads on first access)."""
    deferred = [defer(AgendaVersion.ics)]
    if not with_snapshot:
        deferred.append(defer(AgendaVersion.snapshot))
    return db.session.scalar(
        select(AgendaVersion)
        .where(AgendaVersion.event_id == event.id)
        .options(*deferred)
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )


# Plain Core (the tables, not the mapped classes): no ORM work on the way in or out.
_event, _version = Event.__table__, AgendaVersion.__table__
_older = _version.alias("older")
_PUBLISHED_STATE = (
    select(
        _event.c.id,
        _event.c.slug,
        _event.c.status,
        _version.c.id.label("version_id"),
        _version.c.number,
        _version.c.published_at,
    )
    .select_from(
        _event.outerjoin(
            _version,
            (_version.c.event_id == _event.c.id)
            & (
                _version.c.number
                == select(func.max(_older.c.number))
                .where(_older.c.event_id == _event.c.id)
                .scalar_subquery()
            ),
        )
    )
    .where(_event.c.slug == bindparam("slug"))
)


def published_state(slug: str):
    """The event at ``slug`` and its latest version in one light statement: a row (``id``,
    ``slug``, ``status``, ``version_id``, ``number``, ``published_at``; the last three None
    before the first publication), or None. What a cached published body is looked up by;
    neither the snapshot nor the calendar text is read."""
    return db.session.execute(_PUBLISHED_STATE, {"slug": slug}).first()


def calendar_text(version_id: int) -> str:
    """A published version's agenda.ics (read on a cache miss only)."""
    return db.session.scalar(select(AgendaVersion.ics).where(AgendaVersion.id == version_id))


# The latest version's id, number and time only: the key of everything cached about it (its
# snapshot, changes and calendar load on first access, i.e. on a miss). Built once.
_HEADLINE = load_only(
    AgendaVersion.id, AgendaVersion.event_id, AgendaVersion.number, AgendaVersion.published_at
)
_LATEST_HEADLINE = (
    select(AgendaVersion)
    .options(_HEADLINE)
    .where(AgendaVersion.event_id == bindparam("event_id"))
    .order_by(AgendaVersion.number.desc())
    .limit(1)
)


_newer = aliased(AgendaVersion)
_EVENT_AND_LATEST = (
    select(Event, AgendaVersion)
    .outerjoin(
        AgendaVersion,
        (AgendaVersion.event_id == Event.id)
        & (
            AgendaVersion.number
            == select(func.max(_newer.number))
            .where(_newer.event_id == Event.id)
            .correlate(Event)
            .scalar_subquery()
        ),
    )
    .options(_HEADLINE)
    .where(Event.slug == bindparam("slug"))
)


def event_and_latest(slug: str) -> tuple[Event, AgendaVersion | None] | None:
    """The event at ``slug`` and its latest version (key columns only), in one statement."""
    row = db.session.execute(_EVENT_AND_LATEST, {"slug": slug}).first()
    return None if row is None else (row[0], row[1])


def latest_headline(event: Event) -> AgendaVersion | None:
    """The latest version with its key columns only (id, number, time of publication)."""
    return db.session.scalar(_LATEST_HEADLINE, {"event_id": event.id})


def version_key(version: AgendaVersion) -> tuple:
    """What a cache of a published version's renderings is keyed on. A version never changes
    once published; the event, number and time of publication are there too, so that a reused
    row id (after a deletion) can never hit an old entry."""
    return (version.id, version.event_id, version.number, version.published_at)


@dataclass
class AgendaSource:
    """The agenda to show: the latest published version, a draft preview, or nothing yet."""

    event: Event
    version: AgendaVersion | None
    layout: "AgendaLayout"
    preview: bool = False

    @property
    def header(self) -> EventHeader:
        return self.layout.header

    @property
    def has_agenda(self) -> bool:
        return self.preview or self.version is not None


_LOOK_UP = object()


def agenda_source(event: Event, user, latest=_LOOK_UP) -> AgendaSource:
    """Drafts (seen only by organisers) preview the live sessions; otherwise the latest
    published snapshot is shown (``latest``: that version if already read, see
    ``event_and_latest``)."""
    if event.status == "draft":
        sessions = [versions.session_dict(s) for s in services.live_sessions(event)]
        header = header_from_snapshot(versions.event_dict(event))
        return AgendaSource(event, None, build_layout(header, sessions), preview=True)
    version = latest_headline(event) if latest is _LOOK_UP else latest
    if version is None:
        return AgendaSource(event, None, build_layout(header_from_event(event), []))
    return AgendaSource(event, version, published_layout(version))


# --- the agenda, day by day -------------------------------------------------------------------


@dataclass(slots=True)
class SpeakerRef:
    id: int
    name: str
    position: str
    institution: str
    role: str
    role_label: str


@dataclass(slots=True)
class SessionView:
    id: int
    uid: str
    title: str
    kind: str
    kind_label: str
    start: datetime  # local, aware
    end: datetime
    times: str  # '09.30–10.30 WIB'
    room: str
    track: str
    description: str
    cancelled: bool
    speakers: list[SpeakerRef]
    day_label: str = ""  # 'Sen, 4 Agu'

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def ends_next_day(self) -> bool:
        return self.end.date() > self.start.date() and self.end.time() != datetime.min.time()


@dataclass
class DayView:
    day: date
    label: str  # 'Senin, 4 Agustus 2025'
    tab_label: str  # 'Sen, 4 Agu'
    sessions: list[SessionView] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"hari-{self.day.isoformat()}"


@dataclass
class SpeakerEntry:
    id: int
    name: str
    position: str
    institution: str
    sessions: list[SessionView] = field(default_factory=list)


@dataclass(frozen=True)
class _Vocabulary:
    """Labels and locale resolved once per page rather than once per session."""

    locale: str
    kinds: dict[str, str]
    roles: dict[str, str]

    @classmethod
    def current(cls) -> "_Vocabulary":
        return cls(
            locale_name(),
            {key: str(label) for key, label in SESSION_KIND_LABELS.items()},
            {key: str(label) for key, label in ROLE_LABELS.items()},
        )


def session_view(item: dict, zone: str, words: _Vocabulary | None = None) -> SessionView:
    words = words or _Vocabulary.current()
    start, end = local_time(item["starts_at"], zone), local_time(item["ends_at"], zone)
    return SessionView(
        id=item["id"],
        uid=item["uid"],
        title=item["title"],
        kind=item["kind"],
        kind_label=words.kinds.get(item["kind"], item["kind"]),
        start=start,
        end=end,
        times=time_range(start, end, zone, words.locale),
        room=item["room"],
        track=item["track"],
        description=item["description"],
        cancelled=item["cancelled"],
        speakers=[
            SpeakerRef(
                id=s["id"],
                name=s["name"],
                position=s["position"],
                institution=s["institution"],
                role=s["role"],
                role_label=words.roles.get(s["role"], s["role"]),
            )
            for s in item["speakers"]
        ],
    )


def agenda_days(header: EventHeader, sessions: Iterable[dict]) -> list[DayView]:
    """One entry per event day (plus any day a session falls on outside the event's dates),
    sessions in time order."""
    zone = header.timezone
    words = _Vocabulary.current()
    views = [session_view(item, zone, words) for item in sessions]
    views.sort(key=lambda s: (s.start, s.id))

    def day_view(day: date) -> DayView:
        return DayView(day, long_date(day), format_date(day, "EEE, d MMM", locale=words.locale))

    days = {day: day_view(day) for day in header.days}
    for view in views:
        if view.day not in days:
            days[view.day] = day_view(view.day)
        day = days[view.day]
        view.day_label = day.tab_label
        day.sessions.append(view)
    return [days[day] for day in sorted(days)]


@dataclass(frozen=True)
class AgendaLayout:
    """An agenda laid out for reading. Built from an immutable snapshot, so it is shared by
    every request for the same version and language (see ``published_layout``)."""

    header: EventHeader
    days: list[DayView]
    speakers: list["SpeakerEntry"]

    spans: tuple[tuple[datetime, datetime, int], ...] = ()  # (start, end, id), naive UTC

    def running(self, now: datetime) -> set[int]:
        """Ids of the sessions taking place at ``now`` (naive UTC)."""
        return {id_ for start, end, id_ in self.spans if start <= now < end}


def build_layout(header: EventHeader, sessions: Iterable[dict]) -> AgendaLayout:
    days = agenda_days(header, sessions)
    # Compared on every page view: naive UTC, not aware datetimes in another zone.
    spans = tuple(
        (_naive_utc(s.start), _naive_utc(s.end), s.id)
        for day in days
        for s in day.sessions
        if not s.cancelled
    )
    return AgendaLayout(header, days, speaker_entries(days), spans)


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


_LAYOUTS: OrderedDict[tuple, AgendaLayout] = OrderedDict()
_LAYOUTS_LOCK = Lock()
LAYOUT_CACHE_SIZE = 32


def published_layout(version: AgendaVersion) -> AgendaLayout:
    """The layout of a published version in the reader's language, built once per process."""
    key = (*version_key(version), locale_name())
    with _LAYOUTS_LOCK:
        layout = _LAYOUTS.get(key)
        if layout is not None:
            _LAYOUTS.move_to_end(key)
            return layout
    snapshot = version.snapshot  # loaded only now, on a miss
    layout = build_layout(header_from_snapshot(snapshot["event"]), snapshot["sessions"])
    with _LAYOUTS_LOCK:
        _LAYOUTS[key] = layout
        while len(_LAYOUTS) > LAYOUT_CACHE_SIZE:
            _LAYOUTS.popitem(last=False)
    return layout


def selected_day(days: list[DayView], requested: str | None, today: date) -> date | None:
    """The tab open first: the one asked for, else today during the event, else the first."""
    available = [d.day for d in days]
    if not available:
        return None
    if requested:
        try:
            wanted = date.fromisoformat(requested)
        except ValueError:
            wanted = None
        if wanted in available:
            return wanted
    return today if today in available else available[0]


def speaker_entries(days: list[DayView]) -> list[SpeakerEntry]:
    """Speakers of the sessions that take place, in order of first appearance."""
    entries: dict[int, SpeakerEntry] = {}
    for day in days:
        for session in day.sessions:
            if session.cancelled:
                continue
            for ref in session.speakers:
                entry = entries.get(ref.id)
                if entry is None:
                    entry = entries[ref.id] = SpeakerEntry(
                        ref.id, ref.name, ref.position, ref.institution
                    )
                entry.sessions.append(session)
    return list(entries.values())
