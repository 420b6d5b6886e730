"""A failed job is summed up by the last line of what was stored about it."""

from bench.soak_records import last_line


def test_the_last_line_of_a_stored_traceback_is_its_message():
    stored = "Traceback (most recent call last):\n  File x\nValueError: lost twice\n"
    assert last_line(stored) == "ValueError: lost twice"


def test_nothing_stored_has_no_last_line():
    assert last_line(None) is None and last_line("  \n") is None
