"""The organisation's own settings: the letterhead (kop surat) of its official documents."""
