"""Agenda changes in words ("Jadwal sesi X pada Sen, 4 Agu diubah: 09.00 → 10.00"), the unseen
ones, the history."""

from babel.dates import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from agenda import versions
from agenda.models import AgendaVersion, Event
from agenda.presenters import hour_minute, local_time
from app.i18n import current_locale
from app.timeutil import zone_abbreviation

# --- changes ----------------------------------------------------------------------------------


def _when(value: str, zone: str, with_day: bool, detailed: bool = False, end: str = "") -> str:
    """'09.00' (or, with ``end``, '09.00–10.00'), with its day on request; ``detailed`` (e-mail,
    read out of context) uses the full day name and adds the zone."""
    local = local_time(value, zone)
    clock = hour_minute(local) + (f"–{hour_minute(local_time(end, zone))}" if end else "")
    if detailed:
        clock = f"{clock} {zone_abbreviation(zone)}"
        return (
            f"{format_date(local.date(), 'EEEE d MMMM', locale=current_locale())} {clock}"
            if with_day
            else clock
        )
    if with_day:
        return f"{format_date(local.date(), 'EEE, d MMM', locale=current_locale())} {clock}"
    return clock


def _day(value: str, zone: str, detailed: bool) -> str:
    """'Sen, 4 Agu' ('Senin 4 Agustus' when ``detailed``): the day a change happens on."""
    pattern = "EEEE d MMMM" if detailed else "EEE, d MMM"
    return format_date(local_time(value, zone).date(), pattern, locale=current_locale())


def describe_change(change: dict, zone: str, detailed: bool = False) -> str:
    """One change of a published agenda as a sentence in the reader's language.

    ``detailed`` is for texts read away from the agenda (e-mail): the old time always carries
    its day, and times carry the zone.
    """
    kind, title = change["type"], change["title"]

    def when(value, with_day, end=""):
        return _when(value, zone, with_day, detailed, end)

    if kind == "added":
        return _(
            "Sesi %(title)s ditambahkan (%(when)s)",
            title=title,
            when=when(change["starts_at"], True),
        )
    if kind == "cancelled":
        return _("Sesi %(title)s dibatalkan", title=title)
    if kind == "restored":
        return _("Sesi %(title)s diadakan kembali", title=title)
    if kind == "moved":
        old_start, new_start = (
            local_time(change["old_start"], zone),
            local_time(change["new_start"], zone),
        )
        # Each names the day, so a reader of a multi-day agenda knows which session.
        if old_start == new_start:
            return _(
                "Sesi %(title)s pada %(day)s kini berakhir %(new)s (sebelumnya %(old)s)",
                title=title,
                day=_day(change["new_start"], zone, detailed),
                new=when(change["new_end"], False),
                old=when(change["old_end"], False),
            )
        if old_start.date() == new_start.date():
            # Same day, another time: a change of time, not a move.
            return _(
                "Jadwal sesi %(title)s pada %(day)s diubah: %(old)s → %(new)s",
                title=title,
                day=_day(change["new_start"], zone, detailed),
                old=when(change["old_start"], False, change["old_end"]),
                new=when(change["new_start"], False, change["new_end"]),
            )
        # Old and new time both with their day and end, so a reader sees the whole move.
        return _(
            "Sesi %(title)s dipindah %(old)s → %(new)s",
            title=title,
            old=when(change["old_start"], True, change["old_end"]),
            new=when(change["new_start"], True, change["new_end"]),
        )
    if kind == "room":
        return _(
            "Sesi %(title)s pindah ruang: %(old)s → %(new)s",
            title=title,
            old=change["old"] or "–",
            new=change["new"] or "–",
        )
    if kind == "renamed":
        return _(
            "Sesi %(old)s berganti judul menjadi %(new)s", old=change["old"], new=change["new"]
        )
    if kind == "speakers":
        return _(
            "Narasumber sesi %(title)s: %(old)s → %(new)s",
            title=title,
            old=change["old"] or "–",
            new=change["new"] or "–",
        )
    return _("Sesi %(title)s diubah", title=title)


def describe_changes(changes: list[dict], zone: str) -> list[str]:
    return [describe_change(change, zone) for change in changes]


SEEN_COOKIE = "seen_{}"


def seen_number(cookies, event: Event) -> int | None:
    value = cookies.get(SEEN_COOKIE.format(event.id), "")
    return int(value) if value.isdigit() else None


def unseen_changes(event: Event, seen: int | None, current: AgendaVersion | None) -> list[str]:
    """What changed since the version this visitor last saw (nothing on a first visit)."""
    if current is None or seen is None or seen >= current.number:
        return []
    return describe_changes(
        versions.changes_since(event, seen, current), current.snapshot["event"]["timezone"]
    )


def version_history(event: Event):
    """Query for every published version, newest first, without snapshots or calendars."""
    return (
        select(AgendaVersion)
        .where(AgendaVersion.event_id == event.id)
        .options(
            defer(AgendaVersion.snapshot),
            defer(AgendaVersion.ics),
            joinedload(AgendaVersion.published_by),
        )
        .order_by(AgendaVersion.number.desc())
    )
