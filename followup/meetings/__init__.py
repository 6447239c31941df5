"""Between one meeting and the next: minutes, carry-over, the evaluation session, the meeting
report, and the import of a meeting's decisions (services, views; blueprint followup.meetings)."""
