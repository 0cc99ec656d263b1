"""English: question kinds, candidate extraction, places, apposition; their tables as data."""
