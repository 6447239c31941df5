"""Signals other packages listen to (they depend on agenda, never the other way round)."""

from blinker import Namespace

_signals = Namespace()

# Sent after a new agenda version is committed: sender=the event, version=AgendaVersion.
# Receivers may return a short message for the organiser (shown as a flash).
agenda_published = _signals.signal("agenda-published")
