"""Follow-up in numbers: the OPD standings, one OPD's picture, the recap export (services,
views; blueprint followup.dashboards)."""
