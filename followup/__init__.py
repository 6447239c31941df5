"""Follow-up: what each meeting decided, owned by an OPD, reported on with evidence, verified."""
