"""Evaluation of OPD performance: budget realisation per quarter, targets and the ranking the
Strategic Meeting works from, integrity-pact targets, the OPD profile."""
