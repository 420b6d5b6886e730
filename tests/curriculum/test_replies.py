"""Lesson messages (curriculum.replies): plain data any channel can render."""

from curriculum.replies import reflow


def test_reflow_joins_wrapped_paragraph_lines_but_keeps_tables_lists_and_code():
    text = ("Machine learning\nflips it around.\n\n| x | y |\n|---|---|\n| 1 | 3 |\n\n1. predict\n2. measure\n\n"
            "```\na = 1\nb = 2\n```")
    assert reflow(text) == ("Machine learning flips it around.\n\n| x | y |\n|---|---|\n| 1 | 3 |\n\n"
                            "1. predict\n2. measure\n\n```\na = 1\nb = 2\n```")

