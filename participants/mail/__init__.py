"""E-mail to participants (invitations, reminders, agenda-change notices) through an outbox,
and the ready-to-copy WhatsApp text. Texts are Bahasa Indonesia whatever the organiser's language.

facts (what an event tells its participants) → compose (messages) → outbox (queueing, the outbox
page) → delivery (SMTP); whatsapp, cli and receivers (the agenda-published signal) beside them.
"""
