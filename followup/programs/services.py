"""Priority programs (program prioritas) and how far the action items linked to them are."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.audit.services import OBJECT_LABELS, save_audited
from app.extensions import db
from app.opds.services import opd_by_text
from followup.models import ActionItem, PriorityProgram
from followup.services import FollowUpError, counted

OBJECT_LABELS["PriorityProgram"] = _l("Program prioritas")


@dataclass
class ProgramProgress:
    program: PriorityProgram
    items: int = 0
    done: int = 0  # judged "sesuai"
    progress: float = 0.0  # average accepted progress of the linked items


class ProgramError(FollowUpError):
    """A program refused; ``field`` is the form field the message belongs to."""

    def __init__(self, message, field: str):
        super().__init__(message)
        self.field = field


def save_program(
    program: PriorityProgram,
    *,
    year: int,
    number: int,
    name: str,
    description: str = "",
    lead_opd: str = "",
) -> PriorityProgram:
    """Create or edit a program; ``lead_opd`` as typed (code, "CODE — name" or name, or empty).
    A year's numbers are unique; audited."""
    lead = opd_by_text(lead_opd) if lead_opd else None
    if lead_opd and lead is None:
        raise ProgramError(_l("Pilih OPD penanggung jawab dari daftar."), "lead_opd")
    taken = db.session.scalar(
        select(PriorityProgram.id).where(
            PriorityProgram.year == year,
            PriorityProgram.number == number,
            PriorityProgram.id != (program.id or 0),
        )
    )
    if taken:
        raise ProgramError(_l("Nomor ini sudah dipakai program lain pada tahun itu."), "number")
    return save_audited(
        program,
        year=year,
        number=number,
        name=name.strip(),
        description=description or "",
        lead_opd_id=lead.id if lead else None,
    )


def programs_of(year: int) -> list[PriorityProgram]:
    return db.session.scalars(
        select(PriorityProgram)
        .where(PriorityProgram.year == year)
        .options(joinedload(PriorityProgram.lead_opd))
        .order_by(PriorityProgram.number)
    ).all()


def roll_up(year: int) -> list[ProgramProgress]:
    """Each program of ``year`` with its linked items' count, done and average progress."""
    programs = programs_of(year)
    figures = {
        program_id: (count, done or 0, float(avg or 0))
        for program_id, count, done, avg in db.session.execute(
            counted(
                select(
                    ActionItem.priority_program_id,
                    func.count(),
                    func.sum(case((ActionItem.status == "sesuai", 1), else_=0)),
                    func.avg(ActionItem.progress),
                )
            )
            .where(ActionItem.priority_program_id.in_([p.id for p in programs]))
            .group_by(ActionItem.priority_program_id)
        )
    }
    return [ProgramProgress(p, *figures.get(p.id, (0, 0, 0.0))) for p in programs]


def years() -> list[int]:
    return list(
        db.session.scalars(
            select(PriorityProgram.year).distinct().order_by(PriorityProgram.year.desc())
        )
    )


def program_by_text(text: str, year: int) -> PriorityProgram | None:
    """A program typed in an import: its number for ``year`` ("3") or its name."""
    text = (text or "").strip()
    if not text:
        return None
    query = select(PriorityProgram).where(PriorityProgram.year == year)
    if text.isdigit():
        return db.session.scalar(query.where(PriorityProgram.number == int(text)))
    return db.session.scalar(query.where(func.lower(PriorityProgram.name) == text.lower()))
