"""Certificates for training events: the rule, issue and numbering, the PDFs, the public check
(services, views; blueprint attendance.certificates)."""
