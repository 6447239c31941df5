"""Inviting people to an event (idempotent: nobody is registered twice)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import insert, select

from agenda.models import Event
from app.audit.services import record_batch
from app.extensions import db
from app.formatting import name_list
from app.timeutil import utcnow
from participants.models import (
    REGISTRATION_ROLES,
    Person,
    Registration,
    new_token,
)
from participants.registrations.core import (
    INSERT_CHUNK,
    RegistrationError,
    check_capacity,
    chunks,
)

# --- inviting -------------------------------------------------------------------------------


@dataclass
class InviteResult:
    added: int = 0
    already: list[str] = field(default_factory=list)  # names of people already registered
    inactive: list[str] = field(default_factory=list)  # names of inactive people skipped

    def message(self) -> str:
        parts = [ngettext("%(num)s orang diundang.", "%(num)s orang diundang.", self.added)]
        if self.already:
            parts.append(
                ngettext(
                    "%(num)s sudah terdaftar sehingga dilewati (%(names)s).",
                    "%(num)s sudah terdaftar sehingga dilewati (%(names)s).",
                    len(self.already),
                    names=name_list(self.already),
                )
            )
        if self.inactive:
            parts.append(
                ngettext(
                    "%(num)s tidak aktif sehingga dilewati (%(names)s).",
                    "%(num)s tidak aktif sehingga dilewati (%(names)s).",
                    len(self.inactive),
                    names=name_list(self.inactive),
                )
            )
        return " ".join(parts)


def invite(
    event: Event, person_ids, *, role: str = "peserta", group: str = "", source: str = ""
) -> InviteResult:
    """Register people as ``invited`` with bulk inserts and one audit entry. Already registered
    and inactive people are skipped; the whole batch is refused (nothing written) when it would
    exceed the event's capacity. The caller commits."""
    if role not in REGISTRATION_ROLES:
        raise RegistrationError(_("Peran tidak dikenal."))
    group = (group or "").strip()[:60]
    wanted = list(dict.fromkeys(int(i) for i in person_ids))
    people: dict[int, tuple[str, bool]] = {}
    for chunk in chunks(wanted):
        for person_id, name, active in db.session.execute(
            select(Person.id, Person.name, Person.active).where(Person.id.in_(chunk))
        ):
            people[person_id] = (name, active)
    registered: set[int] = set()
    for chunk in chunks(list(people)):
        registered.update(
            db.session.scalars(
                select(Registration.person_id).where(
                    Registration.event_id == event.id, Registration.person_id.in_(chunk)
                )
            )
        )
    result = InviteResult()
    new = []
    for person_id in wanted:
        if person_id not in people:
            continue
        name, active = people[person_id]
        if person_id in registered:
            result.already.append(name)
        elif not active:
            result.inactive.append(name)
        else:
            new.append(person_id)
    check_capacity(event, len(new))
    now = utcnow()
    rows = [
        {
            "event_id": event.id,
            "person_id": person_id,
            "role": role,
            "status": "invited",
            "group": group,
            "note": "",
            "pass_token": new_token(),
            "link_token": new_token(),
            "invited_at": now,
            "created_at": now,
        }
        for person_id in new
    ]
    for chunk in chunks(rows, INSERT_CHUNK):
        db.session.execute(insert(Registration), chunk)
    result.added = len(new)
    if new:
        record_batch(
            "RegistrationBatch",
            f"{event.title}: {source or _('undangan')}",
            "invite",
            changes={
                "acara": [None, event.slug],
                "sumber": [None, source],
                "peran": [None, role],
                "kelompok": [None, group],
                "diundang": [None, len(new)],
                "sudah_terdaftar": [None, len(result.already)],
                "nonaktif": [None, len(result.inactive)],
            },
        )
    return result
