"""Demo realisation: four quarters for the demo OPDs that hold a budget (services.
BUDGET_UNIT_KINDS, so every quarter is complete), with the third quarter as the seed articles
tell it (city total about 56,6%, some ten OPDs under the 57% threshold, the lowest between 31
and 45%), the year's targets, integrity-pact targets, the past Strategic Meeting discussing the
third quarter, and the assistance week planned right after it."""

import random
from decimal import Decimal

from sqlalchemy import func, select

from agenda.models import Event, Speaker
from app.demo_steps import demo_step
from app.extensions import db
from app.opds.models import Opd
from app.timeutil import to_zone, utcnow
from evaluation.models import (
    BudgetRealisation,
    EventEvaluation,
    RealisationTarget,
)
from evaluation.services import BUDGET_UNIT_KINDS
from followup.models import PactTarget

CITY_TOTAL_Q3 = 0.566
LOW = 10


def _q3_shares(opds: list[Opd], pagu: dict[int, int], rng: random.Random) -> dict[int, float]:
    """Realisation shares by the end of Q3: ten OPDs well behind (31–55%), the others on one
    level plus a little each, that level chosen so Σ realisasi ÷ Σ pagu is the city total."""
    low = set(rng.sample([o.id for o in opds], LOW))
    shares = {i: rng.uniform(0.31, 0.55) for i in low}
    jitter = {o.id: rng.uniform(0.0, 0.12) for o in opds if o.id not in low}
    needed = CITY_TOTAL_Q3 * sum(pagu.values()) - sum(pagu[i] * shares[i] for i in low)
    level = (needed - sum(pagu[i] * j for i, j in jitter.items())) / sum(pagu[i] for i in jitter)
    if level < 0.575:  # the others must stay above the threshold: lift the ten instead
        level = 0.575
        high = sum(pagu[i] * (level + j) for i, j in jitter.items())
        lift = (CITY_TOTAL_Q3 * sum(pagu.values()) - high) / sum(pagu[i] * shares[i] for i in low)
        shares.update({i: min(shares[i] * lift, 0.565) for i in low})
    shares.update({i: min(level + j, 0.95) for i, j in jitter.items()})
    return shares


@demo_step(75)
def seed_realisation(echo):
    year = to_zone(utcnow()).date().year
    if db.session.scalar(select(func.count()).select_from(BudgetRealisation)):
        return
    rng = random.Random("sinergi-realisasi")
    opds = db.session.scalars(
        select(Opd).where(Opd.kind.in_(BUDGET_UNIT_KINDS), Opd.active.is_(True)).order_by(Opd.code)
    ).all()
    if not opds:
        return
    pagu = {
        o.id: rng.randrange(8, 160) * 1_000_000_000 + rng.randrange(0, 999) * 1_000_000
        for o in opds
    }
    q3 = _q3_shares(opds, pagu, rng)
    for o in opds:
        quarters = {
            (year - 1, 4): rng.uniform(0.86, 0.98),
            (year, 1): q3[o.id] * rng.uniform(0.22, 0.32),
            (year, 2): q3[o.id] * rng.uniform(0.55, 0.68),
            (year, 3): q3[o.id],
        }
        for (y, q), share in quarters.items():
            budget = pagu[o.id] if y == year else int(pagu[o.id] * rng.uniform(0.9, 1.05))
            real = int(budget * share)
            physical = min(100.0, share * 100 + rng.uniform(2, 9))
            db.session.add(
                BudgetRealisation(
                    year=y,
                    quarter=q,
                    opd_id=o.id,
                    pagu=budget,
                    realisasi_keuangan=real,
                    realisasi_fisik=Decimal(f"{physical:.2f}"),
                )
            )
    for quarter, target in ((1, 25), (2, 50), (3, 75), (4, 100)):
        db.session.add(
            RealisationTarget(
                year=year, quarter=quarter, target_percent=target, threshold_percent=57
            )
        )
    codes = {o.code: o.id for o in opds}
    for code, indicator, target, achieved in (
        ("DPUPR", "Realisasi anggaran triwulan IV", "≥ 90%", ""),
        ("DPUPR", "Paket fisik selesai tepat waktu", "12 paket", "7 paket"),
        ("DINKES", "Puskesmas terakreditasi paripurna", "5 puskesmas", "3 puskesmas"),
        ("DISPARTA", "Kunjungan wisatawan", "8 juta", "6,1 juta"),
        ("BAPPEDA", "Program OPD selaras dengan 15 program prioritas", "100%", "82%"),
    ):
        if code in codes:
            db.session.add(
                PactTarget(
                    opd_id=codes[code],
                    year=year,
                    indicator=indicator,
                    target=target,
                    achieved=achieved,
                    sanction_note="Evaluasi TPP dan jabatan bila target tidak tercapai",
                )
            )
    meeting = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iii"))
    if meeting is not None:
        db.session.add(EventEvaluation(event_id=meeting.id, year=year, quarter=3))
    db.session.flush()
    echo(f"Realisation: {len(opds)} OPDs, {year - 1} TW4 to {year} TW3")


# The mayor's expert staff (tenaga ahli) who run the assistance week.
EXPERTS = [
    ("Dr. Aries Prasetyo, M.Si.", "Tenaga Ahli Wali Kota Bidang Perencanaan dan Anggaran"),
    ("Ir. Wahyu Hidayat, M.T.", "Tenaga Ahli Wali Kota Bidang Infrastruktur"),
    ("Dra. Lilik Sulistyowati, M.M.", "Tenaga Ahli Wali Kota Bidang Tata Kelola"),
]


@demo_step(80)
def seed_assistance(echo):
    from evaluation import services
    from evaluation.assistance import services as assistance

    if db.session.scalar(select(Event.id).where(Event.kind == "asistensi")):
        return
    meeting = db.session.scalar(select(Event).where(Event.slug == "strategic-meeting-iii"))
    discussed = db.session.scalar(
        select(EventEvaluation).where(EventEvaluation.event_id == (meeting.id if meeting else None))
    )
    if meeting is None or discussed is None:
        return
    year, quarter = discussed.year, discussed.quarter
    experts = []
    for name, position in EXPERTS:
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == name))
        if speaker is None:
            speaker = Speaker(name=name, position=position, institution="Pemerintah Kota Batu")
            db.session.add(speaker)
        experts.append(speaker)
    db.session.flush()
    below = list(reversed(services.ranking(year, quarter).below))
    # Planned the day the meeting ended, as the organiser did: the week is history now.
    planned_on = meeting.end_date
    start, end = assistance.default_period(meeting, planned_on)
    plan = assistance.propose(
        [r.opd for r in below], experts, start, end, meeting.timezone, planned_on
    )
    event = assistance.create_week(
        meeting,
        plan,
        f"Asistensi OPD pasca {meeting.title}",
        year=year,
        quarter=quarter,
        today=planned_on,
    )
    echo(f"Assistance week: {event.slug}, {len(plan)} OPDs, {start} to {end}")
