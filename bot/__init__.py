"""Tutor's Rasa project (config, domain, data) and the small Python it needs to run Rasa well."""
