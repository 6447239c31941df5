"""The agenda builder's grid: 15-minute rows, a column per room, each session a block."""

from datetime import date, datetime, timedelta

from agenda.models import Event, Session
from app.timeutil import to_zone

SLOT_MINUTES = 15


def builder_grid(event: Event, day: date, sessions: list[Session]):
    """Rows of 15 minutes from the day's first to last session (07.00–18.00 at least)."""
    zone = event.timezone
    day_start = datetime.combine(day, datetime.min.time())
    starts = [to_zone(s.starts_at, zone).replace(tzinfo=None) for s in sessions]
    ends = [to_zone(s.ends_at, zone).replace(tzinfo=None) for s in sessions]
    first = min([day_start + timedelta(hours=7), *starts])
    last = max([day_start + timedelta(hours=18), *ends])
    first = first.replace(minute=first.minute - first.minute % SLOT_MINUTES)
    columns = list(event.rooms)
    if any(s.room_id is None for s in sessions) or not columns:
        columns.append(None)
    column_of = {room.id if room else None: index for index, room in enumerate(columns)}
    blocks = []
    for session, start, end in zip(sessions, starts, ends, strict=True):
        row = int((start - first).total_seconds() // (SLOT_MINUTES * 60)) + 2
        span = max(1, int(-(-(end - start).total_seconds() // (SLOT_MINUTES * 60))))
        blocks.append(
            {"session": session, "row": row, "span": span, "column": column_of[session.room_id] + 2}
        )
    slots = []
    moment = first
    while moment < last:
        slots.append(moment)
        moment += timedelta(minutes=SLOT_MINUTES)
    return {"columns": columns, "blocks": blocks, "slots": slots}
