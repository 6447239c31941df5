"""What is printed or scanned for participants: passes (QR tokens), badges, invitation letters."""
