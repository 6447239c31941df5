"""Self check-in: the projector's rotating code and the participant's own phone (services,
views; blueprint attendance.self_checkin)."""
