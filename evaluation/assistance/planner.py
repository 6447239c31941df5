"""The planner page's side of the assistance week: the quarter's ranking, the meeting that
discussed it, the week already made for them, the experts to choose from (speakers, and the
directory's tenaga ahli who are not speakers yet) and the default period; then the organiser's
choices become a proposal (nothing written) or the week (``assistance.create_week``).

Tenaga ahli chosen from the people directory join the speaker directory only when the week is
created, inside the caller's transaction: a proposal or a refused plan leaves it unchanged."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from agenda.models import Event, Speaker
from app.extensions import db
from app.opds.models import Opd
from evaluation import services
from evaluation.assistance import services as assistance
from evaluation.models import EventEvaluation
from followup.services import today as city_today
from participants.models import Person


@dataclass(eq=False)
class Expert:
    """A tenaga ahli the organiser may choose: a speaker of the directory (key "12"), or an
    official of the people directory who is not a speaker yet (key "p34")."""

    key: str
    name: str
    position: str
    speaker: Speaker | None = None
    person: Person | None = None

    @property
    def id(self) -> int | None:
        """The speaker's id (None until a person joins the speaker directory)."""
        return self.speaker.id if self.speaker is not None else None

    def as_speaker(self) -> Speaker:
        return self.speaker if self.speaker is not None else assistance.speaker_for(self.person)


def meeting_for(year: int, quarter: int) -> Event | None:
    """The meeting that discussed this quarter, else the latest Strategic Meeting."""
    found = db.session.scalar(
        select(Event)
        .join(EventEvaluation, EventEvaluation.event_id == Event.id)
        .where(EventEvaluation.year == year, EventEvaluation.quarter == quarter)
        .order_by(Event.start_date.desc())
        .limit(1)
    )
    return found or db.session.scalar(
        select(Event)
        .where(Event.kind == "strategic_meeting")
        .order_by(Event.start_date.desc())
        .limit(1)
    )


@dataclass
class Plan:
    """What the planner page shows for a quarter: the ranking, the meeting, the week already
    made (if any), the experts to choose from and the default period."""

    year: int
    quarter: int
    ranking: services.Ranking
    meeting: Event
    existing: Event | None
    experts: list[Expert]
    today: date
    earliest: date
    start: date
    end: date
    moved: bool  # the week right after the meeting has begun or passed

    @property
    def bottom_up(self) -> list:
        """The ranked OPDs with a percentage, lowest first."""
        return [r for r in reversed(self.ranking.rows) if r.percent is not None]

    def picked_opds(self, lowest: int | None) -> set[int]:
        """Preselected: the ``lowest`` N, else those under the threshold."""
        return {r.opd.id for r in (self.bottom_up[:lowest] if lowest else self.ranking.below)}

    def opds(self, ids) -> list[Opd]:
        ids = set(ids or ())
        return [r.opd for r in self.bottom_up if r.opd.id in ids]

    def chosen(self, speaker_ids, person_ids) -> list[Expert]:
        keys = {str(i) for i in speaker_ids or ()} | {f"p{i}" for i in person_ids or ()}
        return [e for e in self.experts if e.key in keys]


def experts() -> list[Expert]:
    """The speaker directory, then the directory's tenaga ahli who are not speakers yet."""
    speakers = db.session.scalars(select(Speaker).order_by(Speaker.name)).all()
    names = {s.name for s in speakers}
    return [Expert(str(s.id), s.name, s.position, speaker=s) for s in speakers] + [
        Expert(f"p{p.id}", p.name, p.position, person=p)
        for p in assistance.expert_people()
        if p.name not in names
    ]


def plan_for(year: int, quarter: int, today: date | None = None) -> Plan | None:
    """The planner for a quarter's ranking; None when no meeting discussed it."""
    meeting = meeting_for(year, quarter)
    if meeting is None:
        return None
    today = today or city_today()
    start, end = assistance.default_period(meeting, today)
    return Plan(
        year=year,
        quarter=quarter,
        ranking=services.ranking(year, quarter),
        meeting=meeting,
        existing=assistance.existing_week(meeting, year, quarter),
        experts=experts(),
        today=today,
        earliest=assistance.earliest_start(today),
        start=start,
        end=end,
        moved=assistance.default_period(meeting, meeting.end_date)[0] <= today,
    )


def propose_plan(
    plan: Plan, opd_ids, speaker_ids, person_ids, start, end
) -> list[assistance.Assignment]:
    """The proposal for the organiser's choices; writes nothing."""
    if plan.existing is not None:
        raise assistance.already_made(plan.meeting, plan.year, plan.quarter, plan.existing)
    return assistance.propose(
        plan.opds(opd_ids),
        plan.chosen(speaker_ids, person_ids),
        start or plan.start,
        end or plan.end,
        plan.meeting.timezone,
        plan.today,
    )


def adjusted(choices: Mapping[str, str], opds: list[Opd], experts: list[Expert]) -> list:
    """The schedule as the organiser left it in the proposal table (``slot_<opd id>`` and
    ``expert_<opd id>``, an expert's key)."""
    by_key = {e.key: e for e in experts}
    result = []
    for opd in opds:
        slot_key = choices.get(f"slot_{opd.id}", "")
        expert = by_key.get(choices.get(f"expert_{opd.id}", ""))
        if not slot_key or expert is None:
            raise assistance.AssistanceError(
                _("Lengkapi waktu dan tenaga ahli untuk %(opd)s.", opd=opd.name)
            )
        try:
            slot = assistance.Slot.from_key(slot_key)
        except ValueError:
            raise assistance.AssistanceError(
                _("Waktu untuk %(opd)s tidak dikenal.", opd=opd.name)
            ) from None
        result.append(assistance.Assignment(opd, slot, expert))
    return result


def create_plan(plan: Plan, opd_ids, speaker_ids, person_ids, choices: Mapping) -> Event:
    """The week as adjusted by the organiser. Experts from the people directory join the
    speaker directory here, inside the caller's transaction: a refused plan (rolled back)
    leaves the directory as it was."""
    if plan.existing is not None:
        raise assistance.already_made(plan.meeting, plan.year, plan.quarter, plan.existing)
    planned = adjusted(choices, plan.opds(opd_ids), plan.chosen(speaker_ids, person_ids))
    assistance.check(planned, plan.today)  # before anyone joins a directory
    speakers = {}
    for a in planned:
        if a.expert.key not in speakers:
            speakers[a.expert.key] = a.expert.as_speaker()
    db.session.flush()
    return assistance.create_week(
        plan.meeting,
        [assistance.Assignment(a.opd, a.slot, speakers[a.expert.key]) for a in planned],
        _("Asistensi OPD pasca %(meeting)s", meeting=plan.meeting.title),
        year=plan.year,
        quarter=plan.quarter,
        today=plan.today,
    )
