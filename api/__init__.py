"""Tutor's HTTP API (FastAPI): health, artifact downloads and the web chat page."""
