"""bench/stats.py: a percentile is the nearest-rank reading, never an interpolation."""

from bench.stats import percentile


def test_a_percentile_is_one_of_the_readings_at_its_nearest_rank():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 95) == 5.0 and percentile(values, 0) == 1.0
    assert percentile([10.0, 20.0], 50) in (10.0, 20.0)
