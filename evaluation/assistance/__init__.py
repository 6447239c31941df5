"""The assistance week for the lowest OPDs: its rules (services), the planner page's choices
(planner), the page (views; blueprint evaluation.assistance)."""
