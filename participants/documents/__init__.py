"""What is printed for participants: badges (with the pass QR from ``participants.passes``), the
participant list, invitation letters; built on the official-document kit in app/pdf.py."""
