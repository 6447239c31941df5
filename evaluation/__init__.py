"""Evaluation, the loop's sixth step: budget realisation per quarter, targets and the ranking the
Strategic Meeting works from, the assistance week for the lowest OPDs, the OPD profile. It reads
followup/ and attendance/; nothing below imports it."""
