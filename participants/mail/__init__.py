"""E-mail to participants (invitations, reminders, agenda-change notices) through an outbox,
and the ready-to-copy WhatsApp text. Texts are Bahasa Indonesia whatever the organiser's language.

compose (messages, from ``participants.facts``) → outbox (queueing, the outbox page) → delivery
(SMTP); whatsapp, mailbox (the local mail folder), cli and receivers (the agenda-published
signal) beside them.
"""
