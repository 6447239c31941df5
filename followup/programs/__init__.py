"""Priority programs and their progress rolled up from linked items (services, views; blueprint
followup.programs)."""
