from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Letterhead(db.Model):
    """The kop surat of every official document (one row): the regional emblem (lambang, an
    uploaded PNG/JPG kept by app/uploads.py under its SHA-256), the name lines, the address,
    telephone, website and e-mail. Without a row the ``LETTERHEAD`` setting is used."""

    __tablename__ = "letterhead"

    id: Mapped[int] = mapped_column(primary_key=True)
    lines: Mapped[str] = mapped_column(Text, default="")  # one per line, largest first
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    emblem_sha256: Mapped[str | None] = mapped_column(String(64))

    def __str__(self) -> str:
        return "Kop surat"
