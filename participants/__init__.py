"""Participants: the people directory (officials and guests); later registrations and passes."""
