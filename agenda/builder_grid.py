"""The agenda builder's grid: 15-minute rows, a column per room, each session a block.

Sessions that overlap in one room (a conflict, or a room shared by parallel tracks) are laid
out side by side the way calendar apps do: each overlap group gets as many lanes as it needs
at once, and the room's column is as wide as its busiest group, so every block stays visible
and clickable."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from agenda.models import Event, Session
from app.timeutil import to_zone

SLOT_MINUTES = 15


def assign_lanes(intervals: list[tuple]) -> tuple[dict[int, tuple[int, int]], int]:
    """``intervals`` = [(start, end, key)] of one column → ({key: (lane, lanes of its overlap
    group)}, lanes the column needs). Greedy: each session takes the first free lane."""
    placed, widest = {}, 1
    group: list = []  # (key, lane) of the current overlap group
    lane_ends: list = []  # per lane of the group: when its last session ends

    def close_group():
        for key, lane in group:
            placed[key] = (lane, len(lane_ends))

    for start, end, key in sorted(intervals, key=lambda item: (item[0], item[1])):
        if lane_ends and start >= max(lane_ends):  # nothing still running: a new group
            close_group()
            group, lane_ends = [], []
        lane = next((i for i, lane_end in enumerate(lane_ends) if lane_end <= start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        group.append((key, lane))
        widest = max(widest, len(lane_ends))
    close_group()
    return placed, widest


def builder_grid(event: Event, day: date, sessions: list[Session]):
    """Rows of 15 minutes from the day's first to last session (07.00–18.00 at least)."""
    zone = event.timezone
    day_start = datetime.combine(day, datetime.min.time())
    starts = [to_zone(s.starts_at, zone).replace(tzinfo=None) for s in sessions]
    ends = [to_zone(s.ends_at, zone).replace(tzinfo=None) for s in sessions]
    first = min([day_start + timedelta(hours=7), *starts])
    last = max([day_start + timedelta(hours=18), *ends])
    first = first.replace(minute=first.minute - first.minute % SLOT_MINUTES)
    rooms = list(event.rooms)
    if any(s.room_id is None for s in sessions) or not rooms:
        rooms.append(None)
    room_index = {room.id if room else None: index for index, room in enumerate(rooms)}

    per_room = defaultdict(list)
    for index, (session, start, end) in enumerate(zip(sessions, starts, ends, strict=True)):
        per_room[room_index[session.room_id]].append((start, end, index))
    lanes, widths = {}, []
    for column in range(len(rooms)):
        placed, width = assign_lanes(per_room[column])
        lanes.update(placed)
        widths.append(width)
    column_start, next_column = [], 2  # grid column 1 holds the times
    for width in widths:
        column_start.append(next_column)
        next_column += width
    columns = [
        {"room": room, "column": f"{start} / span {width}"}
        for room, start, width in zip(rooms, column_start, widths, strict=True)
    ]

    blocks = []
    for index, (session, start, end) in enumerate(zip(sessions, starts, ends, strict=True)):
        row = int((start - first).total_seconds() // (SLOT_MINUTES * 60)) + 2
        span = max(1, int(-(-(end - start).total_seconds() // (SLOT_MINUTES * 60))))
        column = room_index[session.room_id]
        lane, group_lanes = lanes[index]
        # The last lane of a group stretches to the column's edge (its busiest group's width).
        width = 1 if lane < group_lanes - 1 else widths[column] - lane
        blocks.append(
            {
                "session": session,
                "row": row,
                "span": span,
                "column": f"{column_start[column] + lane} / span {width}",
            }
        )
    slots = []
    moment = first
    while moment < last:
        slots.append(moment)
        moment += timedelta(minutes=SLOT_MINUTES)
    return {"columns": columns, "blocks": blocks, "slots": slots, "width": next_column - 2}
