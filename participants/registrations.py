"""Registrations: who is invited to an event, in which role and group, how they answered, and
who stands in for whom (delegates, *diwakilkan*). Used by the organiser pages, the personal
page, the demo and the tests; views stay thin.

Rules worth knowing:

- **Places.** A registration holds a place while it is ``invited`` or ``confirmed``. Declined and
  cancelled registrations free theirs; a delegated head's place passes to the delegate. An
  event's ``capacity`` (None: no limit) caps the places held; a change that would exceed it is
  refused as a whole and changes nothing.
- **Inviting is idempotent.** People already registered for the event (in any status) and
  inactive people are skipped and reported, never registered twice.
- **Heads of OPD** are the active JPT Pratama officials of an active OPD (kepala dinas/badan,
  sekretaris daerah, asisten, inspektur …).
- **Camat and lurah** are the active officials of an active OPD of kind ``kecamatan`` whose
  position starts with "Camat", and of kind ``kelurahan`` whose position starts with "Lurah";
  an acting title in front ("Plt.", "Plh.", "Pj.") counts too. "Sekretaris Kecamatan" does not.
- **Delegates.** A head (a registration that is not itself a delegate) may send one active
  delegate at a time: the head becomes ``delegated``, the delegate gets its own registration
  (``delegate_of`` the head, ``confirmed``, its own pass and link tokens). Changing the delegate
  cancels the previous one; any other answer of the head cancels the delegate, also in a bulk
  change that selects both. A participant's delegate is always a new person; only organisers
  name directory people (never inactive ones), and a reused registration gets new tokens.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from agenda import presenters
from agenda.ical import build_calendar
from agenda.models import AgendaVersion, Event
from agenda.models import Session as AgendaSession
from app.audit.services import ACTION_LABELS, OBJECT_LABELS, record, record_batch
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import utcnow
from participants import passes
from participants.mail.facts import sessions_for_group
from participants.models import (
    PERSON_LEVELS,
    REGISTRATION_ROLES,
    REGISTRATION_STATUSES,
    Person,
    Registration,
    new_token,
)
from participants.services import get_by_email, person_search_clause, save_person

OBJECT_LABELS["Registration"] = _l("Registrasi peserta")
OBJECT_LABELS["RegistrationBatch"] = _l("Registrasi massal")
ACTION_LABELS.setdefault("invite", _l("undang"))

SEAT_STATUSES = ("invited", "confirmed")  # registrations that hold a place
ANSWERS = ("confirmed", "declined", "delegated")  # what a participant may answer
SETTABLE_STATUSES = ("invited", "confirmed", "declined", "cancelled")  # delegated: via a delegate
INVITE_RULES = ("heads", "camat_lurah", "level")
CHUNK = 5000  # values per IN (…)
INSERT_CHUNK = 1000  # rows per INSERT executemany batch
_ACTING = r"(?:(?:plt|plh|pj)\.?\s+)?"
_REGIONAL_HEAD = re.compile(rf"^\s*{_ACTING}(camat|lurah)\b", re.IGNORECASE)


class RegistrationError(ValueError):
    """A change that cannot be made; the message is for the user (already translated)."""


def _chunks(values: list, size: int = CHUNK):
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


def _check_capacity(event: Event, extra: int) -> None:
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


def _holds_seat(status: str) -> int:
    return 1 if status in SEAT_STATUSES else 0


# --- choosing whom to invite -------------------------------------------------------------------


def heads_of_opd() -> list[int]:
    """Ids of the heads of OPD: active JPT Pratama officials of active OPDs."""
    return list(
        db.session.scalars(
            select(Person.id)
            .join(Opd, Person.opd_id == Opd.id)
            .where(Person.active.is_(True), Opd.active.is_(True), Person.level == "jpt_pratama")
            .order_by(Person.id)
        )
    )


def is_regional_head(position: str, opd_kind: str) -> bool:
    """A camat (in a kecamatan) or lurah (in a kelurahan), by position text."""
    match = _REGIONAL_HEAD.match(position or "")
    if not match:
        return False
    word = match.group(1).lower()
    return (word, opd_kind) in (("camat", "kecamatan"), ("lurah", "kelurahan"))


def camat_and_lurah() -> list[int]:
    """Ids of the active camat and lurah (see the module docstring for the rule)."""
    rows = db.session.execute(
        select(Person.id, Person.position, Opd.kind)
        .join(Opd, Person.opd_id == Opd.id)
        .where(
            Person.active.is_(True),
            Opd.active.is_(True),
            Opd.kind.in_(("kecamatan", "kelurahan")),
        )
        .order_by(Person.id)
    ).all()
    return [person_id for person_id, position, kind in rows if is_regional_head(position, kind)]


def officials_of_level(level: str) -> list[int]:
    if level not in PERSON_LEVELS:
        raise RegistrationError(_("Jenjang jabatan tidak dikenal."))
    return list(
        db.session.scalars(
            select(Person.id)
            .where(Person.active.is_(True), Person.level == level)
            .order_by(Person.id)
        )
    )


def people_by_rule(rule: str, level: str = "") -> list[int]:
    if rule == "heads":
        return heads_of_opd()
    if rule == "camat_lurah":
        return camat_and_lurah()
    if rule == "level":
        return officials_of_level(level)
    raise RegistrationError(_("Aturan undangan tidak dikenal."))


def opd_ids_with_children(opd_ids, include_children: bool) -> set[int]:
    """The chosen OPDs, plus (on request) every active OPD below them, at any depth."""
    chosen = {int(i) for i in opd_ids}
    if not include_children or not chosen:
        return chosen
    children = defaultdict(list)
    for opd_id, parent_id in db.session.execute(
        select(Opd.id, Opd.parent_id).where(Opd.active.is_(True), Opd.parent_id.is_not(None))
    ):
        children[parent_id].append(opd_id)
    result, todo = set(chosen), list(chosen)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in result:
                result.add(child)
                todo.append(child)
    return result


def people_of_opds(opd_ids, include_children: bool = False) -> list[int]:
    """Ids of the active people of the given OPDs (and, on request, of the units below them)."""
    ids = sorted(opd_ids_with_children(opd_ids, include_children))
    people = []
    for chunk in _chunks(ids):
        people += db.session.scalars(
            select(Person.id)
            .where(Person.active.is_(True), Person.opd_id.in_(chunk))
            .order_by(Person.id)
        )
    return people


def rule_sizes() -> dict:
    """How many active people each rule selects (for the invite page)."""
    by_level = dict(
        db.session.execute(
            select(Person.level, func.count()).where(Person.active.is_(True)).group_by(Person.level)
        ).all()
    )
    return {
        "heads": len(heads_of_opd()),
        "camat_lurah": len(camat_and_lurah()),
        "levels": {level: by_level.get(level, 0) for level in PERSON_LEVELS},
    }


# --- inviting -------------------------------------------------------------------------------


@dataclass
class InviteResult:
    added: int = 0
    already: list[str] = field(default_factory=list)  # names of people already registered
    inactive: list[str] = field(default_factory=list)  # names of inactive people skipped

    def message(self) -> str:
        parts = [_("%(count)s orang diundang.", count=self.added)]
        if self.already:
            parts.append(
                _(
                    "%(count)s sudah terdaftar sehingga dilewati: %(names)s.",
                    count=len(self.already),
                    names=_names(self.already),
                )
            )
        if self.inactive:
            parts.append(
                _(
                    "%(count)s tidak aktif sehingga dilewati: %(names)s.",
                    count=len(self.inactive),
                    names=_names(self.inactive),
                )
            )
        return " ".join(parts)


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += " " + _("dan %(count)s lainnya", count=len(names) - limit)
    return shown


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
    for chunk in _chunks(wanted):
        for person_id, name, active in db.session.execute(
            select(Person.id, Person.name, Person.active).where(Person.id.in_(chunk))
        ):
            people[person_id] = (name, active)
    registered: set[int] = set()
    for chunk in _chunks(list(people)):
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
    _check_capacity(event, len(new))
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
    for chunk in _chunks(rows, INSERT_CHUNK):
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


# --- the list --------------------------------------------------------------------------------


def registration_query(
    event: Event,
    *,
    search: str = "",
    status: str = "",
    role: str = "",
    opd_id: int | None = None,
    group: str | None = None,
):
    """Registrations of ``event`` with person, OPD, head (delegate_of) and delegates loaded in
    a fixed number of queries however many there are."""
    query = (
        select(Registration)
        .join(Registration.person)
        .outerjoin(Person.opd)
        .where(Registration.event_id == event.id)
        .options(
            contains_eager(Registration.person).contains_eager(Person.opd),
            joinedload(Registration.delegate_of).joinedload(Registration.person),
            selectinload(Registration.delegates).joinedload(Registration.person),
        )
        .order_by(func.lower(Person.name), Registration.id)
    )
    search = (search or "").strip()
    if search:
        query = query.where(person_search_clause(search))
    if status in REGISTRATION_STATUSES:
        query = query.where(Registration.status == status)
    if role in REGISTRATION_ROLES:
        query = query.where(Registration.role == role)
    if opd_id:
        query = query.where(Person.opd_id == opd_id)
    if group is not None:
        query = query.where(Registration.group == group)
    return query


def status_counts(event: Event) -> dict[str, int]:
    counts = dict.fromkeys(REGISTRATION_STATUSES, 0)
    counts.update(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    )
    return counts


def event_groups(event: Event) -> list[str]:
    """Groups in use: the tracks of the event's sessions and the groups of its registrations."""
    tracks = set(
        db.session.scalars(
            select(AgendaSession.track)
            .where(AgendaSession.event_id == event.id, AgendaSession.track != "")
            .distinct()
        )
    )
    tracks.update(
        db.session.scalars(
            select(Registration.group)
            .where(Registration.event_id == event.id, Registration.group != "")
            .distinct()
        )
    )
    return sorted(tracks)


def registered_person_ids(event: Event, person_ids) -> set[int]:
    ids = list(person_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Registration.person_id).where(
                Registration.event_id == event.id, Registration.person_id.in_(ids)
            )
        )
    )


def get_registration(event: Event, registration_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration)
        .where(Registration.id == registration_id, Registration.event_id == event.id)
        .options(
            joinedload(Registration.person).joinedload(Person.opd),
            joinedload(Registration.delegate_of).joinedload(Registration.person),
            selectinload(Registration.delegates).joinedload(Registration.person),
        )
    )


def events_overview():
    """Events, newest first (the registrations overview; counts come from ``counts_by_event``)."""
    return select(Event).order_by(Event.start_date.desc(), Event.id.desc())


def counts_by_event(event_ids) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REGISTRATION_STATUSES, 0))
    ids = list(event_ids)
    if ids:
        for event_id, status, count in db.session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id, Registration.status)
        ):
            counts[event_id][status] = count
    return counts


# --- changing registrations -------------------------------------------------------------------


def active_delegates(head: Registration) -> list[Registration]:
    return [d for d in head.delegates if d.status in SEAT_STATUSES]


def _plan_status(registrations: list[Registration], status: str) -> list[tuple]:
    """(registration, new status) for the registrations and the delegates they drag along;
    each registration at most once, with its final status (so seats are counted right).

    A head that leaves ``delegated`` ends its delegation: all its active delegates are
    cancelled, also those in the selection, whatever status was chosen; its inactive
    delegates in the selection stay as they are (a head and its delegate never both hold a
    place). A delegate alone goes back to a place only while its head is still delegated
    and has no other active delegate."""
    plan: dict[int, tuple] = {}
    claimed: set[int] = set()  # heads whose delegate this batch activates
    leaving = {r.id for r in registrations if r.status == "delegated" and status != "delegated"}
    for registration in registrations:
        if registration.delegate_of_id in leaving:
            continue  # settled with its head below
        if registration.status != status:
            head = registration.delegate_of
            if head is not None and status in SEAT_STATUSES:
                others = [d for d in active_delegates(head) if d.id != registration.id]
                if head.status != "delegated" or others or head.id in claimed:
                    raise RegistrationError(
                        _(
                            "%(name)s tidak dapat diaktifkan kembali sebagai wakil %(head)s. "
                            "Pilih wakil lewat registrasi %(head)s.",
                            name=registration.person.name,
                            head=head.person.name,
                        )
                    )
                claimed.add(head.id)
            plan[registration.id] = (registration, status)
        if registration.id in leaving:
            # Any other answer of the head ends the delegation.
            for delegate in active_delegates(registration):
                plan[delegate.id] = (delegate, "cancelled")
    return list(plan.values())


def _apply(plan: list[tuple], event: Event, audit_each: bool) -> int:
    _check_capacity(event, sum(_holds_seat(new) - _holds_seat(r.status) for r, new in plan))
    now = utcnow()
    for registration, status in plan:
        registration.status = status
        if status in ("confirmed", "declined"):
            registration.responded_at = now
        if audit_each:
            record(registration, "update")
    return len(plan)


def set_status(registration: Registration, status: str) -> None:
    """Set one registration's status (not ``delegated``: see ``set_delegate``)."""
    if status not in SETTABLE_STATUSES:
        raise RegistrationError(_("Status tidak dapat dipilih langsung."))
    _apply(_plan_status([registration], status), registration.event, audit_each=True)


def cancel(registration: Registration) -> None:
    set_status(registration, "cancelled")


def update_registration(
    registration: Registration, *, role: str, group: str, status: str, note: str
) -> None:
    """Save the organiser's edit of one registration; the head's active delegate follows its
    role and group."""
    if role not in REGISTRATION_ROLES:
        raise RegistrationError(_("Peran tidak dikenal."))
    group = (group or "").strip()[:60]
    plan = []
    if status != registration.status:
        if status not in SETTABLE_STATUSES:
            raise RegistrationError(_("Status tidak dapat dipilih langsung."))
        plan = _plan_status([registration], status)
    _check_capacity(
        registration.event, sum(_holds_seat(new) - _holds_seat(r.status) for r, new in plan)
    )
    registration.role, registration.group, registration.note = role, group, note.strip()
    for delegate in active_delegates(registration):
        delegate.role, delegate.group = role, group
        if delegate not in (r for r, _s in plan):
            record(delegate, "update")
    if plan:
        _apply(plan, registration.event, audit_each=True)
    if registration not in (r for r, _s in plan):
        record(registration, "update")


def _selection(event: Event, ids) -> list[Registration]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found = []
    for chunk in _chunks(ids):
        found += db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(chunk))
            .options(
                joinedload(Registration.person),
                joinedload(Registration.delegate_of).joinedload(Registration.person),
                selectinload(Registration.delegates),
            )
        ).unique()
    return found


def bulk_update(event: Event, ids, *, status=None, role=None, group=None) -> int:
    """Apply one change to the selected registrations of ``event`` (all or nothing, one audit
    entry). Returns how many registrations changed."""
    registrations = _selection(event, ids)
    if not registrations:
        raise RegistrationError(_("Pilih minimal satu registrasi."))
    changed = 0
    if status is not None:
        if status not in SETTABLE_STATUSES:
            raise RegistrationError(_("Status tidak dapat dipilih langsung."))
        changed = _apply(_plan_status(registrations, status), event, audit_each=False)
        label, value = "status", status
    elif role is not None:
        if role not in REGISTRATION_ROLES:
            raise RegistrationError(_("Peran tidak dikenal."))
        for registration in registrations:
            targets = [registration, *active_delegates(registration)]
            for target in targets:
                if target.role != role:
                    target.role = role
                    changed += 1
        label, value = "peran", role
    elif group is not None:
        group = group.strip()[:60]
        for registration in registrations:
            for target in [registration, *active_delegates(registration)]:
                if target.group != group:
                    target.group = group
                    changed += 1
        label, value = "kelompok", group
    else:
        raise RegistrationError(_("Pilih tindakan."))
    if changed:
        record_batch(
            "RegistrationBatch",
            f"{event.title}: {_('perubahan %(field)s', field=label)}",
            "update",
            changes={
                "acara": [None, event.slug],
                label: [None, value],
                "registrasi": [None, [r.id for r in registrations]],
                "berubah": [None, changed],
            },
        )
    return changed


# --- delegates --------------------------------------------------------------------------------


def delegate_person(head: Registration, fields: dict, *, match_email: bool = False) -> Person:
    """The delegate named on a form: a new non-directory person (level non-ASN) in the head's
    OPD unless another OPD or an institution is given.

    Only an organiser's form may name a directory person by e-mail (``match_email``): a
    participant could otherwise take over anyone's registration, link and pass by typing
    their address. An e-mail that belongs to someone else is not saved on the new person
    (e-mails are unique); ``set_delegate`` notes it for the organiser.
    """
    name = (fields.get("name") or "").strip()
    email = (fields.get("email") or "").strip().lower() or None
    owner = get_by_email(email) if email else None
    if owner is not None and match_email:
        return owner
    if not name:
        raise RegistrationError(_("Nama wakil wajib diisi."))
    if owner is not None:
        email = None
    opd_id = fields.get("opd_id")
    institution = (fields.get("institution") or "").strip()
    if opd_id is None and not institution:
        opd_id = head.person.opd_id
        institution = "" if opd_id else head.person.institution
    return save_person(
        Person(),
        nip=None,
        name=name[:200],
        position=(fields.get("position") or "").strip()[:200],
        level="non_asn",
        golongan="",
        opd_id=opd_id or None,
        institution=institution[:200],
        email=email,
        phone=(fields.get("phone") or "").strip()[:40],
        active=True,
    )


def set_delegate(
    head: Registration,
    person: Person | None = None,
    *,
    new_person: dict | None = None,
    note: str = "",
    match_email: bool = False,
) -> Registration:
    """Let ``person`` (or a new person from ``new_person`` fields) stand in for ``head``.

    The head becomes ``delegated``; any previous active delegate is cancelled; the delegate's
    registration (new, or the person's earlier cancelled/declined one reused) is ``confirmed``.
    A reused registration gets a new pass and a new personal link: whoever held the old ones
    (its former owner, or whoever saw them) finds them revoked.

    ``person`` is for the organiser's pick from the directory; ``match_email`` lets the
    organiser's form name a directory person by e-mail. A participant's own answer passes
    neither: it always creates a new person (see ``delegate_person``).
    """
    event = head.event
    if head.delegate_of_id is not None:
        raise RegistrationError(_("Seorang wakil tidak dapat mewakilkan lagi."))
    if head.status == "cancelled":
        raise RegistrationError(_("Registrasi ini sudah dibatalkan."))
    if person is None:
        given = new_person or {}
        person = delegate_person(head, given, match_email=match_email)
        email = (given.get("email") or "").strip().lower()
        if email and person.email != email:
            dropped = _(
                "Email wakil %(email)s sudah dipakai orang lain di direktori sehingga tidak "
                "disimpan pada data wakil.",
                email=email,
            )
            note = f"{note.strip()} {dropped}".strip()
    if not person.active:
        raise RegistrationError(
            _(
                "%(name)s tidak aktif di direktori sehingga tidak dapat menjadi wakil.",
                name=person.name,
            )
        )
    if person.id == head.person_id:
        raise RegistrationError(_("Wakil harus orang lain."))
    current = active_delegates(head)
    existing = (
        db.session.scalar(
            select(Registration).where(
                Registration.event_id == event.id, Registration.person_id == person.id
            )
        )
        if person.id is not None
        else None
    )
    if existing is not None and existing in current:
        if head.status != "delegated":
            head.status = "delegated"
            record(head, "update")
        return existing
    if existing is not None and (
        existing.status not in ("cancelled", "declined") or existing.delegates
    ):
        raise RegistrationError(
            _(
                "%(name)s sudah terdaftar sendiri di acara ini; ubah atau batalkan registrasinya "
                "terlebih dahulu.",
                name=person.name,
            )
        )
    _check_capacity(event, 1 - _holds_seat(head.status) - len(current))
    now = utcnow()
    for delegate in current:
        delegate.status = "cancelled"
        record(delegate, "update")
    head.status, head.responded_at = "delegated", now
    record(head, "update")
    fields = {
        "delegate_of": head,
        "role": head.role,
        "group": head.group,
        "status": "confirmed",
        "responded_at": now,
        "note": note.strip(),
    }
    if existing is not None:
        for key, value in fields.items():
            setattr(existing, key, value)
        record(existing, "update")
        passes.reissue(existing, "pass")
        passes.reissue(existing, "link")
        return existing
    delegate = Registration(event=event, person=person, invited_at=now, **fields)
    db.session.add(delegate)
    record(delegate, "create")
    return delegate


def undo_delegate(head: Registration, status: str = "invited") -> None:
    """Take back a delegation: the active delegate is cancelled, the head gets ``status``."""
    if head.status != "delegated":
        raise RegistrationError(_("Registrasi ini tidak sedang diwakilkan."))
    set_status(head, status)


def respond(registration: Registration, answer: str, delegate: dict | None = None) -> None:
    """A participant's own answer from the personal page: attend, not attend, or send a
    delegate (name, position, phone, e-mail)."""
    if registration.status == "cancelled":
        raise RegistrationError(_("Registrasi ini sudah dibatalkan oleh panitia."))
    if registration.event.status == "closed":
        raise RegistrationError(_("Acara sudah selesai; jawaban tidak dapat diubah lagi."))
    if answer == "delegated":
        if registration.delegate_of_id is not None:
            raise RegistrationError(_("Seorang wakil tidak dapat mewakilkan lagi."))
        # Never a directory person: see ``delegate_person``.
        set_delegate(registration, new_person=delegate or {}, match_email=False)
    elif answer in ("confirmed", "declined"):
        if registration.status != answer:
            set_status(registration, answer)
    else:
        raise RegistrationError(_("Pilih jawaban."))


# --- the personal page ----------------------------------------------------------------------


@dataclass
class PersonalAgenda:
    header: presenters.EventHeader
    version: AgendaVersion | None
    event: dict | None  # the snapshot's event (for calendars)
    sessions: list[dict]
    days: list

    @property
    def has_agenda(self) -> bool:
        return self.version is not None


def personal_agenda(registration: Registration) -> PersonalAgenda:
    """The participant's own agenda from the latest published version (two queries)."""
    event = registration.event
    version = presenters.latest_published(event) if event.status != "draft" else None
    if version is None:
        header = presenters.header_from_event(event)
        return PersonalAgenda(header, None, None, [], [])
    snapshot = version.snapshot
    header = presenters.header_from_snapshot(snapshot["event"])
    # Cancelled sessions stay on the page (struck through) and in the calendar (as cancelled).
    sessions = sessions_for_group(snapshot["sessions"], registration.group, with_cancelled=True)
    return PersonalAgenda(
        header, version, snapshot["event"], sessions, presenters.agenda_days(header, sessions)
    )


def personal_calendar(registration: Registration, agenda: PersonalAgenda, url: str) -> str:
    """The participant's sessions as iCalendar (UIDs and SEQUENCE from the snapshot). For a
    cancelled registration every session is marked cancelled, so calendars drop them."""
    if agenda.version is None:
        return build_calendar(agenda.header.title, [], utcnow(), url)
    sessions = agenda.sessions
    if registration.status == "cancelled":
        sessions = [
            s if s["cancelled"] else s | {"cancelled": True, "sequence": s["sequence"] + 1}
            for s in sessions
        ]
    return build_calendar(
        agenda.header.title,
        [(s, agenda.event) for s in sessions],
        agenda.version.published_at,
        url,
    )


def calendar_etag(registration: Registration, agenda: PersonalAgenda) -> str:
    version = agenda.version.id if agenda.version else 0
    text = f"{registration.id}|{registration.group}|{registration.status}|{version}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]
