"""Rasa custom actions: thin translators from intents and text to jobs, and from jobs to messages."""
