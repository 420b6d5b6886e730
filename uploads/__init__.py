"""Learners' own data: check an uploaded file and normalise it into the folder skills read (D34)."""
