"""What every registration module shares: the statuses that hold a place, the error shown to
users, places (capacity) and the audit labels.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from agenda.models import Event
from app.audit.services import ACTION_LABELS, OBJECT_LABELS
from app.extensions import db
from participants.models import (
    Registration,
)

OBJECT_LABELS["Registration"] = _l("Registrasi peserta")
OBJECT_LABELS["RegistrationBatch"] = _l("Registrasi massal")
ACTION_LABELS.setdefault("invite", _l("undang"))

SEAT_STATUSES = ("invited", "confirmed")  # registrations that hold a place
ANSWERS = ("confirmed", "declined", "delegated")  # what a participant may answer
SETTABLE_STATUSES = ("invited", "confirmed", "declined", "cancelled")  # delegated: via a delegate
INVITE_RULES = ("heads", "camat_lurah", "level")
CHUNK = 5000  # values per IN (…)
INSERT_CHUNK = 1000  # rows per INSERT executemany batch


class RegistrationError(ValueError):
    """A change that cannot be made; the message is for the user (already translated)."""


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


# --- places (capacity) -------------------------------------------------------------------------


def seats_taken(event: Event) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(SEAT_STATUSES))
    )


def seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def check_capacity(event: Event, extra: int) -> None:
    """Refuse ``extra`` more places when they would exceed the event's capacity.

    The event's row is locked first (``SELECT … FOR UPDATE``, held until the caller commits),
    so on PostgreSQL two requests taking the last places at the same moment are counted one
    after the other instead of both seeing the same free places. SQLite ignores the lock."""
    if event.capacity is None or extra <= 0:
        return
    capacity = db.session.execute(
        select(Event.capacity).where(Event.id == event.id).with_for_update()
    ).scalar_one()
    if capacity is None:
        return
    taken = seats_taken(event)
    if taken + extra > capacity:
        raise RegistrationError(
            _(
                "Kapasitas acara %(capacity)s orang; sudah terisi %(taken)s, sisa %(left)s. "
                "Perubahan untuk %(count)s orang ditolak dan tidak ada yang diubah.",
                capacity=capacity,
                taken=taken,
                left=max(capacity - taken, 0),
                count=extra,
            )
        )


def holds_seat(status: str) -> int:
    return 1 if status in SEAT_STATUSES else 0
