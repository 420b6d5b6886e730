"""Tutor's process-level plumbing: settings, the service supervisor and the CLI."""
