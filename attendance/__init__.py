"""Attendance: QR check-in at the door and per session, attendance lists and the dashboard."""
