"""The percentile every bench prints: nearest rank on the sorted values, so a p95 is a reading
that happened, not an interpolation between two."""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
