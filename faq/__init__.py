"""The FAQ brain: the AMA archive turned into answerable items (later: retrieval and thresholds)."""
