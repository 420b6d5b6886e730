"""One understanding layer: every learner message ranked over everything Tutor can do."""
