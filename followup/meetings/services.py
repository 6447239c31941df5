"""Between one meeting and the next: minutes per session, carrying open items over to the next
event of the series (history kept), the "Evaluasi tindak lanjut" session, and the meeting report
(laporan hasil rapat) as PDF."""

import calendar
from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from agenda import services as agenda_services
from agenda.models import Event
from agenda.models import Session as AgendaSession
from app.audit.services import ACTION_LABELS, OBJECT_LABELS, record
from app.extensions import db
from app.formatting import time_range
from app.pdf import (
    OFFICIAL_TABLE,
    document_pdf,
    kop,
    letter_styles,
    paragraph,
    signature_block,
)
from attendance import services as attendance
from attendance.documents import event_signatory
from followup import lifecycle
from followup.models import OPEN_STATUSES, ActionItem, SessionNote
from followup.services import FollowUpError, item_query, today
from participants.documents.letters import letter_for
from participants.nip import format_nip

OBJECT_LABELS["SessionNote"] = _l("Notulen")
ACTION_LABELS.setdefault("carry_over", _l("dilanjutkan ke rapat berikutnya"))
EVALUATION_TITLE = "Evaluasi tindak lanjut"


# --- minutes ------------------------------------------------------------------------------------


def notes_of(event: Event) -> dict[int, SessionNote]:
    return {
        n.session_id: n
        for n in db.session.scalars(
            select(SessionNote).join(AgendaSession).where(AgendaSession.event_id == event.id)
        )
    }


def items_by_session(event: Event) -> dict[int | None, list[ActionItem]]:
    """The meeting's own record of its decisions (carried-over originals included), by session."""
    items: dict = {}
    for item in db.session.scalars(item_query(event_id=event.id, include_carried=True)):
        items.setdefault(item.session_id, []).append(item)
    return items


def save_note(session: AgendaSession, text: str, user) -> SessionNote:
    note = db.session.scalar(select(SessionNote).where(SessionNote.session_id == session.id))
    creating = note is None
    if creating:
        note = SessionNote(session_id=session.id)
        db.session.add(note)
    note.text = (text or "").strip()
    note.updated_by_id = user.id if user is not None else None
    record(note, "create" if creating else "update")
    return note


# --- carry-over ---------------------------------------------------------------------------------


def previous_event(event: Event) -> Event | None:
    """The meeting of the same series held before ``event``."""
    return _neighbour(event, Event.start_date < event.start_date, Event.start_date.desc())


def next_event(event: Event) -> Event | None:
    """The meeting of the same series planned after ``event``."""
    return _neighbour(event, Event.start_date > event.start_date, Event.start_date)


def _neighbour(event: Event, side, nearest_first) -> Event | None:
    if event.series_id is None:
        return None
    return db.session.scalar(
        select(Event)
        .where(Event.series_id == event.series_id, side, Event.id != event.id)
        .order_by(nearest_first)
        .limit(1)
    )


def open_items_to_carry(event: Event) -> tuple[Event | None, list[ActionItem]]:
    """The previous meeting's open items (none of them carried over yet: carrying closes)."""
    previous = previous_event(event)
    if previous is None:
        return None, []
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.event_id == previous.id, ActionItem.status.in_(OPEN_STATUSES))
        .options(joinedload(ActionItem.lead_opd), selectinload(ActionItem.supporting_opds))
        .order_by(ActionItem.lead_opd_id, ActionItem.id)
    ).all()
    return previous, items


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_due_on(event: Event) -> date:
    """The new due date proposed for items carried over to ``event``: the day before the
    series' following meeting, where they will be evaluated again, or else three months (a
    quarter) after ``event``'s last day; never a day already past, and a working day (a due
    date on a Sunday would fall due before anyone is in the office to report)."""
    following = next_event(event)
    due = following.start_date - timedelta(days=1) if following else None
    if due is None or due < event.end_date:
        due = add_months(event.end_date, 3)
    if due < today():
        due = add_months(today(), 3)
    return working_day_before(due)


def working_day_before(day: date) -> date:
    """``day``, or the Friday before it when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def carried_count(event: Event) -> int:
    """How many items ``event`` continues from an earlier meeting."""
    return db.session.scalar(
        select(func.count())
        .select_from(ActionItem)
        .where(ActionItem.event_id == event.id, ActionItem.carried_over_from_id.is_not(None))
    )


def carry_over(
    event: Event,
    items: list[ActionItem],
    user,
    due_on: date | None = None,
    due_per_item: dict | None = None,
) -> list[ActionItem]:
    """Continue open ``items`` at ``event``: each gets a new item linked to it, with its
    status, progress, owners and links, due ``due_on`` (by default ``default_due_on(event)``,
    or its own date in ``due_per_item``, by item id); the original closes as "dilanjutkan" and
    a report still waiting for verification moves with the decision. Due dates already past
    are refused: a carried item must not arrive overdue."""
    due_on = due_on or default_due_on(event)
    due_per_item = due_per_item or {}
    for old in items:
        due = due_per_item.get(old.id) or due_on
        if due is None or due < today():
            raise FollowUpError(
                _l(
                    "Batas waktu baru untuk %(title)s tidak boleh sebelum %(date)s.",
                    title=old.title,
                    date=format_date(today(), "d MMMM y"),
                )
            )
        if not old.is_open:
            raise FollowUpError(_l("%(title)s sudah ditutup.", title=old.title))
    made = []
    for old in items:
        new = ActionItem(
            event_id=event.id,
            title=old.title,
            description=old.description,
            kind=old.kind,
            lead_opd_id=old.lead_opd_id,
            due_on=due_per_item.get(old.id) or due_on,
            target=old.target,
            priority_program_id=old.priority_program_id,
            pact_target_id=old.pact_target_id,
            status=old.status,
            progress=old.progress,
            carried_over_from_id=old.id,
            created_by_id=user.id if user is not None else None,
        )
        new.supporting_opds = list(old.supporting_opds)
        db.session.add(new)
        record(new, "create")
        lifecycle.move(
            old, lifecycle.D, lifecycle.CARRY, actor=user, note={"carried_to": [None, new.id]}
        )
        for waiting in [u for u in old.updates if u.review == "pending"]:
            record(waiting, "carry_over", changes={"item_id": [old.id, new.id]})
            waiting.item = new
        made.append(new)
    return made


def close_items(items: list[ActionItem], status: str, user=None) -> None:
    """Close the previous meeting's open items as "sesuai" or "tidak dapat ditindaklanjuti"
    (the organiser's judgement, through the state machine)."""
    if status not in ("sesuai", "tidak_dapat_ditindaklanjuti"):
        raise FollowUpError(_l("Tutup dengan status sesuai atau tidak dapat ditindaklanjuti."))
    for item in items:
        lifecycle.move(item, status, lifecycle.SET, actor=user)


def add_evaluation_session(event: Event, previous: Event, day: date, start: time, end: time):
    """An "Evaluasi tindak lanjut" session on ``event``'s agenda listing the carried items."""
    carried = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.event_id == event.id, ActionItem.carried_over_from_id.is_not(None))
        .options(joinedload(ActionItem.lead_opd))
        .order_by(ActionItem.lead_opd_id, ActionItem.id)
    ).all()
    lines = [f"Tindak lanjut dari {previous.title}:"] + [
        f"- {item.title} ({item.lead_opd.short_name or item.lead_opd.name}, {item.progress}%)"
        for item in carried
    ]
    starts = agenda_services.to_utc(datetime.combine(day, start), event.timezone)
    ends = agenda_services.to_utc(datetime.combine(day, end), event.timezone)
    if ends <= starts:
        raise FollowUpError(_l("Jam selesai harus setelah jam mulai."))
    return agenda_services.save_session(
        AgendaSession(),
        event=event,
        speakers=[],
        title=EVALUATION_TITLE,
        kind="discussion",
        starts_at=starts,
        ends_at=ends,
        room_id=None,
        track="",
        takes_attendance=False,
        description="\n".join(lines),
    )


# --- the meeting report (laporan hasil rapat) ---------------------------------------------------


def _report_signatures(event: Event, style) -> list:
    """ "Mengetahui," and the letter's signatory (the Sekretaris Daerah) on the left; the
    head of the organising unit (else the panitia, by hand) on the right, dated the last day."""
    letter = letter_for(event)
    who = event_signatory(event, event.end_date)
    left = signature_block(
        [_("Mengetahui,"), *(letter.signatory_position or "").splitlines()],
        letter.signatory_name or "",
        format_nip(letter.signatory_nip),
        style,
    )
    right = signature_block([who.dated, f"{who.position},"], who.name, format_nip(who.nip), style)
    both = Table([[left, right]], colWidths=[90 * mm, 90 * mm])
    both.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return [both]


def report_pdf(event: Event, statuses: dict) -> bytes:
    """The agenda as held, attendance per OPD, each session's minutes and decisions, and every
    action item with its owner and due date."""
    styles = letter_styles()
    cell, head, body = styles["cell"], styles["head"], styles["body"]
    grid = TableStyle(OFFICIAL_TABLE)
    sessions = [s for s in event.sessions if not s.cancelled]
    notes = notes_of(event)
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.event_id == event.id)
        .options(
            joinedload(ActionItem.lead_opd),
            selectinload(ActionItem.supporting_opds),
            selectinload(ActionItem.continuation).joinedload(ActionItem.event),
        )
        .order_by(ActionItem.session_id, ActionItem.id)
    ).all()
    days = (
        format_date(event.start_date, "EEEE, d MMMM y")
        if event.start_date == event.end_date
        else f"{format_date(event.start_date, 'd MMMM y')} – {format_date(event.end_date, 'd MMMM y')}"
    )
    story = [
        *kop(styles),
        paragraph(_("LAPORAN HASIL RAPAT"), styles["title"]),
        paragraph(event.title, styles["title"]),
        paragraph(f"{days} · {event.venue}", styles["kop3"]),
        Spacer(1, 5 * mm),
        paragraph(_("I. Susunan acara"), head),
        Spacer(1, 2 * mm),
    ]
    rows = [
        [paragraph(_("Waktu"), head), paragraph(_("Sesi"), head), paragraph(_("Narasumber"), head)]
    ]
    for s in sessions:
        speakers = ", ".join(link.speaker.name for link in s.speaker_links)
        rows.append(
            [
                paragraph(
                    f"{format_date(agenda_services.local_day(s.starts_at, event.timezone), 'd MMM')} {time_range(s.starts_at, s.ends_at, event.timezone)}",
                    cell,
                ),
                paragraph(s.title, cell),
                paragraph(speakers, cell),
            ]
        )
    table = Table(rows, colWidths=[40 * mm, 80 * mm, 45 * mm], repeatRows=1)
    table.setStyle(grid)
    story += [
        table,
        Spacer(1, 5 * mm),
        paragraph(_("II. Kehadiran per OPD"), head),
        Spacer(1, 2 * mm),
    ]
    door_sheets = [attendance.sheet(event, day) for day in event.days]
    if not any(sheet.present for sheet in door_sheets):
        story.append(paragraph(_("Belum ada data kehadiran."), body))
    else:
        for sheet in door_sheets:
            rows = [
                [
                    paragraph(_("OPD"), head),
                    paragraph(_("Hadir"), head),
                    paragraph(_("Diharapkan"), head),
                ]
            ]
            for group in sheet.by_opd():
                name = group["opd"].name if group["opd"] else _("Tamu dan narasumber")
                rows.append(
                    [
                        paragraph(name, cell),
                        paragraph(str(group["present"]), cell),
                        paragraph(str(group["expected"]), cell),
                    ]
                )
            story.append(paragraph(format_date(sheet.day, "EEEE, d MMMM y"), cell))
            table = Table(rows, colWidths=[115 * mm, 25 * mm, 25 * mm], repeatRows=1)
            table.setStyle(grid)
            story += [table, Spacer(1, 3 * mm)]
    story += [
        Spacer(1, 2 * mm),
        paragraph(_("III. Notulen dan keputusan per sesi"), head),
        Spacer(1, 2 * mm),
    ]
    by_session: dict = {}
    for item in items:
        by_session.setdefault(item.session_id, []).append(item)
    any_minutes = False
    for s in sessions:
        note = notes.get(s.id)
        decided = by_session.get(s.id, [])
        if not (note and note.text) and not decided:
            continue
        any_minutes = True
        story.append(paragraph(s.title, head))
        if note and note.text:  # in the size of the rest of the report
            story.append(paragraph(note.text, cell))
        for item in decided:
            story.append(paragraph(f"• {item.title} — {item.lead_opd.name}", cell))
        story.append(Spacer(1, 3 * mm))
    if not any_minutes:
        story.append(paragraph(_("Belum ada notulen."), body))
    # A new page only when the heading and a few rows no longer fit (no page left blank).
    story += [CondPageBreak(40 * mm), paragraph(_("IV. Tindak lanjut"), head), Spacer(1, 2 * mm)]
    rows = [
        [
            paragraph(h, head)
            for h in (
                _("No"),
                _("Tindak lanjut"),
                _("Penanggung jawab"),
                _("Batas waktu"),
                _("Status"),
            )
        ]
    ]
    for number, item in enumerate(items, start=1):
        owners = item.lead_opd.name + (
            f" ({_('didukung')} {', '.join(o.name for o in item.supporting_opds)})"
            if item.supporting_opds
            else ""
        )
        rows.append(
            [
                paragraph(str(number), cell),
                paragraph(item.title, cell),
                paragraph(owners, cell),
                paragraph(format_date(item.due_on, "d MMM y") if item.due_on else "—", cell),
                paragraph(
                    _("Dilanjutkan ke %(title)s", title=item.continuation.event.title)
                    if item.continuation
                    else str(statuses[item.status]),
                    cell,
                ),
            ]
        )
    if not items:
        rows.append([paragraph(_("Belum ada tindak lanjut."), cell), "", "", "", ""])
    table = Table(rows, colWidths=[10 * mm, 62 * mm, 43 * mm, 25 * mm, 40 * mm], repeatRows=1)
    table.setStyle(grid)
    story += [table, Spacer(1, 8 * mm), KeepTogether(_report_signatures(event, cell))]
    return document_pdf(
        story, title=_("Laporan hasil rapat"), footer=f"{_('Laporan hasil rapat')} · {event.title}"
    )
