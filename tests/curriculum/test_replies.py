"""Lesson messages (curriculum.replies): plain data any channel can render."""

from curriculum.engine import NEXT, Turn
from curriculum.replies import Button, from_turn, reflow


def test_reflow_joins_wrapped_paragraph_lines_but_keeps_tables_lists_and_code():
    text = ("Machine learning\nflips it around.\n\n| x | y |\n|---|---|\n| 1 | 3 |\n\n1. predict\n2. measure\n\n"
            "```\na = 1\nb = 2\n```")
    assert reflow(text) == ("Machine learning flips it around.\n\n| x | y |\n|---|---|\n| 1 | 3 |\n\n"
                            "1. predict\n2. measure\n\n```\na = 1\nb = 2\n```")



def test_an_engine_turn_becomes_a_message_with_semantic_buttons_and_an_image_url():
    turn = Turn("Look\nhere.", [{"title": "Next", "payload": NEXT}, {"title": "A colour", "payload": "b"}],
                image="images/neuron.png")
    message = from_turn(turn, "http://tutor.test/")
    assert message.text == "Look here."
    assert message.buttons == [Button("Next", "next"), Button("A colour", "answer", "b")]
    assert message.image == "http://tutor.test/lesson-images/neuron.png"
    assert from_turn(Turn("x", image="https://example.org/a.png"), "http://t").image == "https://example.org/a.png"
