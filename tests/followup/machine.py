"""The follow-up state machine (Hypothesis, stateful) that tests/followup/test_invariants.py runs.

Random sequences of record / report (the OPD proposes) / accept / return / carry over / close /
manual status change, across three meetings of a series and three OPDs, run against the real
services on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL). After every step:

- the items are what an independent model of the rules (the spec, written out below, not read
  from followup/lifecycle.py) says they are;
- each decision is counted once, at its latest link;
- the pimpinan dashboard, each OPD's dashboard, both home panels (rendered), the recap rows and
  the API (over HTTP) agree on every count, and with the model;
- overdue means open and past due, nothing else;
- no status or progress changed without an audit entry: the log of each item, read back, is the
  model's history of it and every step in it is a transition the table allows.

To cover another area (realisation import, check-ins), subclass ``FollowUpMachine``: add
``@rule`` methods that act through that area's services and record what they expect on
``self``, and extend ``check_all`` (call ``super().check_all()``). The world (OPDs, users,
meetings) is built once per test; each example starts from empty follow-up tables.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask_login import login_user
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import delete, select

from app.audit.models import AuditEntry
from app.extensions import db
from followup import lifecycle, services
from followup.dashboards import services as dashboards
from followup.meetings import services as meetings
from followup.models import ActionItem, Evidence, ProgressUpdate, action_item_support
from followup.views import _city_panel, _own_items_panel

B, P, S = "belum_ditindaklanjuti", "dalam_proses", "sesuai"
BS, T, D = "belum_sesuai", "tidak_dapat_ditindaklanjuti", "dilanjutkan"
OPEN = {B, P, BS}
EVERY = [B, P, S, BS, T, D]
# The spec, as the issue states it: accepting keeps or advances (never back to B, never to D);
# the organiser's own change reopens or closes but never goes back to B nor in or out of D.
ACCEPTABLE = {B: {P, S, T}, P: {P, S, T}, BS: {P, BS, S, T}}
SETTABLE = {
    B: {P, S, T, BS},
    P: {S, T, BS},
    BS: {P, S, T},
    S: {P, BS, T},
    T: {P, BS, S},
    D: set(),
}
VERDICTS = [None] * 4 + EVERY  # None: accept as the form proposes
WAYS = {"accept": lifecycle.ACCEPT, "return": lifecycle.RETURN, "status": lifecycle.SET}
WAYS["carry_over"] = lifecycle.CARRY


@dataclass
class Expected:
    """What the model says one item is."""

    meeting: int
    lead: int
    supporting: set
    due_offset: int | None
    status: str = B
    progress: int = 0
    pending: tuple | None = None  # (update id, progress, claimed status)
    last_review: str | None = None  # of the latest report: pending, accepted, returned
    history: list = field(default_factory=lambda: [B])  # statuses, in order
    continuation: int | None = None


@dataclass
class World:
    """What every example shares: three OPDs, their users, three meetings of a series."""

    app: object
    opds: list
    opd_users: list
    organiser: object
    meetings: list
    viewer_client: object
    opd_clients: list


def _clear_followup():
    db.session.rollback()
    for table in (Evidence.__table__, ProgressUpdate.__table__, action_item_support):
        db.session.execute(delete(table))
    db.session.execute(delete(ActionItem.__table__))
    db.session.execute(delete(AuditEntry.__table__))
    db.session.commit()


class FollowUpMachine(RuleBasedStateMachine):
    world: World  # set by the test before the machine runs
    seen: Counter = Counter()  # over all examples: statuses reached, rules done and refused

    def __init__(self):
        super().__init__()
        _clear_followup()
        self.today = services.today()
        self.items: dict[int, Expected] = {}
        self.steps = 0

    # --- helpers -----------------------------------------------------------------------------

    def item(self, item_id) -> ActionItem:
        return db.session.get(ActionItem, item_id)

    def expect_refusal(self, action):
        """``action`` must raise FollowUpError and change nothing (the view rolls back)."""
        with pytest.raises(services.FollowUpError):
            action()
        db.session.rollback()
        self.seen["refused"] += 1

    def open_ids(self, meeting=None):
        return sorted(
            i
            for i, e in self.items.items()
            if e.status in OPEN and (meeting is None or e.meeting == meeting)
        )

    def pending_ids(self):
        return sorted(i for i, e in self.items.items() if e.pending)

    def _move(self, expected: Expected, status: str, progress: int | None = None):
        if status != expected.status:
            expected.history.append(status)
        expected.status = status
        if progress is not None:
            expected.progress = progress

    # --- rules -------------------------------------------------------------------------------

    @initialize(
        data=st.data(),
        decisions=st.lists(
            st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(-20, 40)),
            min_size=2,
            max_size=4,
        ),
    )
    def meeting_decides(self, data, decisions):
        """Every example starts with a few decisions of the first two meetings, one reported
        on (so that verifying, returning and carrying have something to act on early)."""
        for meeting, lead, due in decisions:
            self.record(meeting, lead, set(), due)
        first = sorted(self.items)[0]
        progress = data.draw(st.integers(0, 100), label="progress")
        self.report(data, progress, P, "Rapat koordinasi dilaksanakan.", item_id=first)

    @rule(
        meeting=st.integers(0, 2),
        lead=st.integers(0, 2),
        supporting=st.sets(st.integers(0, 2), max_size=2),
        due=st.none() | st.integers(-30, 60),
    )
    def record(self, meeting, lead, supporting, due):
        w = self.world
        item = services.create_item(
            w.meetings[meeting],
            title=f"Keputusan {len(self.items) + 1}",
            lead_opd=w.opds[lead],
            supporting_opds=[w.opds[s] for s in supporting],
            due_on=None if due is None else self.today + timedelta(days=due),
            created_by=w.organiser,
        )
        db.session.commit()
        self.items[item.id] = Expected(meeting, lead, supporting - {lead}, due)
        self.seen["record"] += 1

    @precondition(lambda self: self.items)
    @rule(
        data=st.data(),
        progress=st.integers(0, 100),
        claim=st.sampled_from([P, P, S, T]),
        narrative=st.sampled_from(["Lelang selesai; kontrak ditandatangani."] * 4 + [""]),
    )
    def report(self, data, progress, claim, narrative, item_id=None):
        # Mostly an open item (closed ones are refused); a claim of "sesuai" mostly at 100%.
        if item_id is None:
            open_ids = self.open_ids()
            pool = open_ids if open_ids and data.draw(st.integers(0, 4)) else self.items
            item_id = data.draw(st.sampled_from(sorted(pool)), label="item")
        if claim == S and data.draw(st.integers(0, 3)):
            progress = 100
        expected = self.items[item_id]
        reporter = data.draw(st.sampled_from(sorted({expected.lead} | expected.supporting)))
        item = self.item(item_id)

        def send():
            return services.submit_update(
                item,
                opd=self.world.opds[reporter],
                author=self.world.opd_users[reporter],
                progress=progress,
                proposed_status=claim,
                narrative=narrative,
            )

        refused = expected.status not in OPEN or not narrative or (claim == S and progress != 100)
        if refused:
            self.expect_refusal(send)
            return
        update = send()
        db.session.commit()
        expected.pending = (update.id, progress, claim)
        expected.last_review = "pending"
        self.seen["report"] += 1
        # Often verified straight away (the rules below also verify later, after other steps).
        then = data.draw(st.sampled_from(["wait", "wait", "accept", "return"]), label="then")
        if then == "accept":
            self.verify(item_id, data.draw(st.sampled_from(VERDICTS), label="status"))
        elif then == "return":
            self.send_back(item_id, "Lengkapi bukti dukung.")

    @precondition(lambda self: self.pending_ids())
    @rule(
        data=st.data(),
        accept=st.booleans(),
        choice=st.sampled_from(VERDICTS),
        comment=st.sampled_from(["Bukti dukung belum dilampirkan."] * 3 + [""]),
    )
    def review(self, data, accept, choice, comment):
        """The organiser verifies a waiting report, some steps after it came in."""
        item_id = data.draw(st.sampled_from(self.pending_ids()), label="item")
        if accept:
            self.verify(item_id, choice)
        else:
            self.send_back(item_id, comment)

    def verify(self, item_id, choice):
        """The organiser accepts the waiting report, with ``choice`` or the form's default."""
        expected = self.items[item_id]
        update_id, progress, claim = expected.pending
        update = db.session.get(ProgressUpdate, update_id)
        target = choice or (claim if claim in ACCEPTABLE.get(expected.status, ()) else None)
        if target is None and expected.status in OPEN:
            target = expected.status if expected.status in ACCEPTABLE[expected.status] else P

        def verify():
            services.review_update(
                update, reviewer=self.world.organiser, accept=True, status=choice
            )

        if expected.status not in OPEN or target not in ACCEPTABLE[expected.status]:
            self.expect_refusal(verify)
            return
        verify()
        db.session.commit()
        self._move(expected, target, 100 if target == S else progress)
        expected.pending, expected.last_review = None, "accepted"
        self.seen["accept"] += 1

    def send_back(self, item_id, comment):
        """The organiser returns the waiting report (a comment is required)."""
        expected = self.items[item_id]
        update = db.session.get(ProgressUpdate, expected.pending[0])

        def send_back():
            services.review_update(
                update, reviewer=self.world.organiser, accept=False, comment=comment
            )

        if not comment:
            self.expect_refusal(send_back)
            return
        send_back()
        db.session.commit()
        if expected.pending[2] == S and expected.status in OPEN:
            self._move(expected, BS)
        expected.pending, expected.last_review = None, "returned"
        self.seen["return"] += 1

    @rule(data=st.data(), into=st.integers(1, 2), due=st.integers(-5, 120))
    def carry_over(self, data, into, due):
        candidates = self.open_ids(meeting=into - 1)
        picked = _subset(data, candidates)
        w = self.world
        due_on = self.today + timedelta(days=due)
        _previous, offered = meetings.open_items_to_carry(w.meetings[into])
        assert sorted(i.id for i in offered) == candidates  # the page offers the open ones

        def carry():
            return meetings.carry_over(
                w.meetings[into], [self.item(i) for i in picked], w.organiser, due_on=due_on
            )

        if picked and due < 0:
            self.expect_refusal(carry)
            return
        made = carry()
        db.session.commit()
        for old_id, new in zip(picked, made, strict=True):
            old = self.items[old_id]
            self.items[new.id] = Expected(
                into,
                old.lead,
                set(old.supporting),
                due,
                status=old.status,
                progress=old.progress,
                pending=old.pending,
                last_review="pending" if old.pending else None,
                history=[old.status],
            )
            old.continuation, old.pending = new.id, None
            self._move(old, D)
            self.seen["carry over"] += 1

    @rule(data=st.data(), status=st.sampled_from([S, T, P]))
    def close(self, data, status):
        candidates = self.open_ids()
        picked = _subset(data, candidates)

        def close_them():
            meetings.close_items([self.item(i) for i in picked], status, self.world.organiser)

        if status == P:
            self.expect_refusal(close_them)
            return
        refused = [i for i in picked if status not in SETTABLE[self.items[i].status]]
        if refused:
            self.expect_refusal(close_them)
            return
        close_them()
        db.session.commit()
        for i in picked:
            self._move(self.items[i], status, 100 if status == S else None)
            self.seen["close"] += 1

    @precondition(lambda self: self.items)
    @rule(data=st.data(), status=st.sampled_from(EVERY))
    def change_status(self, data, status):
        item_id = data.draw(st.sampled_from(sorted(self.items)), label="item")
        expected = self.items[item_id]

        def change():
            services.update_item(self.item(item_id), status=status, actor=self.world.organiser)

        if status == expected.status:
            change()  # nothing to change: no transition, no entry
            db.session.commit()
            return
        if status not in SETTABLE[expected.status]:
            self.expect_refusal(change)
            return
        change()
        db.session.commit()
        self._move(expected, status, 100 if status == S else None)
        self.seen["change status"] += 1

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def everything_agrees(self):
        db.session.expire_all()
        self.seen.update(e.status for e in self.items.values())
        self.check_all()

    def check_all(self):
        self.check_items_are_as_the_model_says()
        self.check_each_decision_counted_once()
        self.check_figures_agree_everywhere()
        self.check_overdue_is_open_and_past_due()
        self.check_every_change_is_audited()

    def check_items_are_as_the_model_says(self):
        stored = {
            i.id: (i.status, i.progress, i.continuation.id if i.continuation else None)
            for i in db.session.scalars(select(ActionItem))
        }
        assert stored == {i: (e.status, e.progress, e.continuation) for i, e in self.items.items()}
        waiting = dict(
            db.session.execute(
                select(ProgressUpdate.item_id, ProgressUpdate.id).where(
                    ProgressUpdate.review == "pending"
                )
            ).all()
        )
        assert waiting == {i: e.pending[0] for i, e in self.items.items() if e.pending}

    def check_each_decision_counted_once(self):
        counted = set(db.session.scalars(services.counted(select(ActionItem.id))))
        roots = [i for i in self.items if not self._is_continuation(i)]
        for root in roots:
            chain = [root]
            while self.items[chain[-1]].continuation:
                chain.append(self.items[chain[-1]].continuation)
            assert [c in counted for c in chain] == [False] * (len(chain) - 1) + [True]
        assert len(counted) == len(roots)

    def _is_continuation(self, item_id):
        return any(e.continuation == item_id for e in self.items.values())

    def expected_figures(self, keep=lambda e: True):
        counts = dict.fromkeys([B, P, S, BS, T], 0)
        overdue = 0
        for e in self.items.values():
            if e.status == D or not keep(e):
                continue
            counts[e.status] += 1
            overdue += e.status in OPEN and e.due_offset is not None and e.due_offset < 0
        return counts, overdue

    def check_figures_agree_everywhere(self):
        w = self.world
        counts, overdue = self.expected_figures()
        city = services.figures(services.item_query())
        ranking = dashboards.standings(dashboards.Scope())
        total = dashboards.totals(ranking)
        recap = dashboards.recap_items(dashboards.Scope())
        api = w.viewer_client.get("/api/v1/action-items?per_page=200").get_json()
        assert (city.counts, city.overdue) == (counts, overdue)
        assert (total.counts, total.overdue, total.total) == (counts, overdue, sum(counts.values()))
        assert len(recap) == api["total"] == sum(counts.values())
        assert sorted(i.id for i in recap) == sorted(i["id"] for i in api["items"])
        assert sum(i["overdue"] for i in api["items"]) == overdue
        assert sum(i.overdue_on(self.today) for i in recap) == overdue
        assert _panel_numbers(_city_panel, w, None) == _shown(counts, overdue)
        assert services.pending_review_count() == len(self.pending_ids())
        assert services.returned_count() == sum(
            e.last_review == "returned" and e.status in OPEN for e in self.items.values()
        )
        # One OPD and one meeting per step, in turn (every step checking all of them would
        # double the run for little: the figures come from the same functions).
        self.steps += 1
        index, opd = self.steps % len(w.opds), w.opds[self.steps % len(w.opds)]
        # The OPD dashboard (items it leads) is its row of the ranking.
        led = self.expected_figures(lambda e: e.lead == index)
        [row] = dashboards.standings(dashboards.Scope(), opd.id) or [None]
        assert ((row.counts, row.overdue) if row else (dict.fromkeys(counts, 0), 0)) == led
        assert [(s.counts, s.overdue) for s in ranking if s.opd.id == opd.id] == (
            [led] if sum(led[0].values()) else []
        )
        # Its home panel (rendered), workspace and API (items it leads or supports) agree.
        involved = self.expected_figures(lambda e: e.lead == index or index in e.supporting)
        own = services.figures(services.item_query(w.opd_users[index]))
        assert (own.counts, own.overdue) == involved
        assert _panel_numbers(_own_items_panel, w, w.opd_users[index]) == _shown(*involved)
        body = w.opd_clients[index].get("/api/v1/action-items?per_page=200").get_json()
        assert body["total"] == sum(involved[0].values())
        # One meeting's dashboard and recap.
        index = self.steps % len(w.meetings)
        per_meeting = self.expected_figures(lambda e: e.meeting == index)
        scope = dashboards.Scope(event_id=w.meetings[index].id)
        standing = dashboards.totals(dashboards.standings(scope))
        assert (standing.counts, standing.overdue) == per_meeting
        assert len(dashboards.recap_items(scope)) == sum(per_meeting[0].values())

    def check_overdue_is_open_and_past_due(self):
        for item in db.session.scalars(select(ActionItem)):
            late = item.due_on is not None and item.due_on < self.today
            assert item.overdue_on(self.today) == (item.status in OPEN and late)
        flagged = set(db.session.scalars(services.item_query(overdue=True)))
        assert all(i.status in OPEN and i.due_on < self.today for i in flagged)

    def check_every_change_is_audited(self):
        entries: dict[int, list] = {}
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "ActionItem").order_by(AuditEntry.id)
        ):
            entries.setdefault(entry.object_id, []).append(entry)
        for item_id, expected in self.items.items():
            log = entries.get(item_id, [])
            assert log and log[0].action == "create"
            statuses = [log[0].changes["status"][1]]
            progress = log[0].changes["progress"][1]
            for entry in log[1:]:
                if "status" in entry.changes:
                    before, after = entry.changes["status"]
                    assert before == statuses[-1]
                    assert WAYS[entry.action] in lifecycle.TRANSITIONS[(before, after)]
                    statuses.append(after)
                if "progress" in entry.changes:
                    assert entry.changes["progress"][0] == progress
                    progress = entry.changes["progress"][1]
            assert statuses == expected.history
            assert progress == expected.progress


def _subset(data, candidates) -> list:
    if not candidates:
        return []
    items = st.lists(st.sampled_from(candidates), unique=True, max_size=3)
    return sorted(data.draw(items, label="items"))


def _shown(counts, overdue) -> dict:
    """What a home panel shows for these figures: the total, the overdue and each non-zero
    status."""
    shown = {k: v for k, v in counts.items() if v}
    shown["total"] = sum(counts.values())
    if overdue:
        shown["overdue"] = overdue
    return shown


def _panel_numbers(panel, world: World, user) -> dict:
    """A home panel rendered for ``user`` (a viewer when None), its numbers read back."""
    with world.app.test_request_context("/"):
        login_user(user or world.viewer_client.user)
        html = panel(user or world.viewer_client.user)
    found = {}
    for key, text in re.findall(r'data-count="(\w+)">([^<]*)<', html):
        found[key] = int(re.search(r"\d+", text).group())
    return found
