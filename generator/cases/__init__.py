"""Worked cases and audit drills: their format, how they are read, and the synthetic-data guard."""
