"""The city's figures under random use of the whole loop at once (issue 23): decisions recorded,
reported, reviewed, carried over and closed (tests/followup/machine.py), passes scanned at the
door, offline and by self check-in (tests/attendance/door.py), and budget realisation imported
for some OPDs of some quarters — interleaved. After every step:

- follow-up: each decision counted once; every page, panel, recap and the API agree;
- attendance: what the door answered ``ok`` is what the lists, the dashboard and the API count;
- evaluation: each quarter's coverage (OPDs with data / OPDs expected) is what was imported; the
  ranking, the API and the page give the same totals; the page opens on the latest complete
  quarter and calls a total the city's only when every OPD has data.

The deep follow-up exploration runs alone in tests/followup/test_invariants.py.
"""

import io
import re
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test
from sqlalchemy import func, select

from agenda.models import EventSeries
from app.extensions import db
from app.opds.models import Opd
from evaluation import services as evaluation
from evaluation.imports import IMPORT_COLUMNS
from followup import services as followup
from tests.attendance.door import Door, DoorRules
from tests.followup.machine import FollowUpMachine, World

YEAR = 2026
HIDDEN = re.compile(r'<input type="hidden" name="(token|expected|csrf_token)" value="([^"]*)"')
PAGU = [0, 750_000_000, 12_500_000_000, 98_765_432_100]  # Rupiah; 0: no percentage


@dataclass(frozen=True)
class Figures:
    pagu: int
    spent: int


def _csv(rows) -> bytes:
    """The realisation file finance staff would upload (amounts with Indonesian thousands dots)."""

    def rupiah(amount):
        return f"{amount:,}".replace(",", ".")

    lines = [",".join(IMPORT_COLUMNS)]
    for code, quarter, figures in rows:
        lines.append(f"{YEAR},{quarter},{code},{rupiah(figures.pagu)},{rupiah(figures.spent)},50")
    return ("\n".join(lines) + "\n").encode()


def test_the_city_figures_hold_under_random_use_of_the_whole_loop(
    app, make_event, make_session, make_registration, make_person, make_user, make_opd, login_as
):
    class City(DoorRules, FollowUpMachine):
        def __init__(self):
            # The door empties every table first, so the follow-up world is built after it.
            self.door = Door.build(
                app, make_event, make_session, make_registration, make_person, make_user
            )
            today = followup.today()
            series = EventSeries(title="Strategic Meeting uji")
            db.session.add(series)
            db.session.commit()
            opds = [make_opd(code) for code in ("DPUPR", "BAPPEDA", "DINKES")]
            opd_clients = [login_as("opd", opd=opd) for opd in opds]
            self.finance = login_as("organiser")  # uploads the realisation files
            self.world = World(
                app=app,
                opds=opds,
                opd_users=[c.user for c in opd_clients],
                organiser=make_user("organiser"),
                meetings=[
                    make_event(
                        f"sm-kota-{n}", start=today + timedelta(days=offset), series_id=series.id
                    )
                    for n, offset in enumerate((-120, -30, 60))
                ],
                viewer_client=login_as("viewer"),
                opd_clients=opd_clients,
            )
            super().__init__()
            # The OPDs expected to report: every active budget unit in the city.
            self.expected_opds = db.session.scalar(
                select(func.count())
                .select_from(Opd)
                .where(Opd.active.is_(True), Opd.kind.in_(evaluation.BUDGET_UNIT_KINDS))
            )
            self.realised: dict[int, dict[str, Figures]] = {}  # quarter → OPD code → figures

        @rule(
            data=st.data(),
            quarter=st.integers(1, 4),
            pagu=st.sampled_from(PAGU),
            share=st.sampled_from([0, 11, 50, 94, 100]),
        )
        def import_realisation(self, data, quarter, pagu, share):
            """Finance uploads a quarter for some of the OPDs (a partial quarter is normal)."""
            codes = data.draw(
                st.lists(
                    st.sampled_from([o.code for o in self.world.opds]), min_size=1, unique=True
                )
            )
            rows = [(code, quarter, Figures(pagu, pagu * share // 100)) for code in codes]
            # Upload → preview → confirm, as finance staff do it.
            upload = self.finance.submit(
                "/evaluasi/import",
                {"file": (io.BytesIO(_csv(rows)), "realisasi.csv")},
                content_type="multipart/form-data",
            )
            preview = self.finance.get(upload.location).get_data(as_text=True)
            fields = dict(HIDDEN.findall(preview))
            assert fields.get("token"), preview[-1500:]
            done = self.finance.post("/evaluasi/import/confirm", data=fields)
            assert done.status_code == 302, done.get_data(as_text=True)[-1500:]
            for code, _quarter, figures in rows:
                self.realised.setdefault(quarter, {})[code] = figures
            self.seen["import realisation"] += 1

        def check_all(self):
            super().check_all()
            self.check_realisation_agrees()

        def check_realisation_agrees(self):
            reader = self.world.viewer_client
            complete = sorted(q for q, rows in self.realised.items() if self._complete(rows))
            for quarter, rows in self.realised.items():
                coverage = evaluation.coverage(YEAR, quarter)
                assert (coverage.opds_with_data, coverage.opds_total) == (
                    len(rows),
                    self.expected_opds,
                )
                ranking = evaluation.ranking(YEAR, quarter)
                pagu = sum(f.pagu for f in rows.values())
                spent = sum(f.spent for f in rows.values())
                assert (ranking.pagu, ranking.realisasi_keuangan) == (pagu, spent)
                assert sorted(r.opd.code for r in ranking.rows) == sorted(rows)
                body = reader.get(f"/api/v1/realisation?year={YEAR}&quarter={quarter}").get_json()
                assert body["coverage"] == {
                    "opds_with_data": len(rows),
                    "opds_total": self.expected_opds,
                }
                assert (body["total"]["pagu"], body["total"]["realisasi_keuangan"]) == (pagu, spent)
            if not self.realised:
                return
            # The page opens on the latest complete quarter, else the latest (said partial).
            opens_on = complete[-1] if complete else max(self.realised)
            page = reader.get("/evaluasi/").get_data(as_text=True)
            assert f'nav-link active" href="/evaluasi/?year={YEAR}&amp;quarter={opens_on}"' in page
            label = re.search(r'id="city-total-label">([^<]*)<', page).group(1)
            city_total = label.startswith("Total kota")
            assert city_total == self._complete(self.realised[opens_on]), label

        def _complete(self, rows):
            return len(rows) >= self.expected_opds

    City.seen = FollowUpMachine.seen.__class__()
    run_state_machine_as_test(
        City,
        settings=settings(
            derandomize=True,  # the same sequences on every run and on both databases
            max_examples=8,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # Not vacuous: the three areas each acted.
    seen = City.seen
    assert seen["import realisation"] and seen["record"] and seen["report"], dict(seen)
