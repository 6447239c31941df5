from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

# Kinds of perangkat daerah; the value is stored, the label is shown (see KIND_LABELS in forms).
OPD_KINDS = (
    "sekretariat",
    "bagian",
    "inspektorat",
    "dinas",
    "badan",
    "satuan",
    "kecamatan",
    "kelurahan",
    "desa",
)


class Opd(db.Model):
    """A perangkat daerah (OPD/SKPD): a unit that leads or supports follow-up work."""

    __tablename__ = "opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Opd | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Opd"]] = relationship(back_populates="parent", order_by="Opd.code")

    def __str__(self) -> str:
        return self.short_name or self.name
