"""Rows of the printed agenda (susunan acara), shared by the print view and the PDF."""

from dataclasses import dataclass

from agenda.ical import speaker_line
from agenda.presenters import DayView, SpeakerRef

# --- print / PDF --------------------------------------------------------------------------------


@dataclass
class PrintRow:
    times: str
    title: str
    track: str
    notes: list[str]
    place: str
    next_day: bool = False


@dataclass
class PrintDay:
    label: str
    rows: list[PrintRow]


def speaker_note(ref: SpeakerRef) -> str:
    return speaker_line(ref.role_label, ref.name, ref.position, ref.institution)


def print_days(days: list[DayView]) -> list[PrintDay]:
    """The susunan acara as printed: sessions that take place, day by day."""
    printed = []
    for day in days:
        rows = [
            PrintRow(
                times=session.times,
                title=session.title,
                track=session.track,
                notes=[speaker_note(ref) for ref in session.speakers]
                + ([session.description] if session.description else []),
                place=session.room,
                next_day=session.ends_next_day,
            )
            for session in day.sessions
            if not session.cancelled
        ]
        if rows:
            printed.append(PrintDay(day.label, rows))
    return printed
