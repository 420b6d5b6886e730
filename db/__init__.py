"""Tutor's SQL database: models, engine factory, repository functions and Alembic migrations."""
