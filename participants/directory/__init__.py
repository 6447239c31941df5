"""The people directory: officials and guests, their search, and spreadsheets in and out."""
