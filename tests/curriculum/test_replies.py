"""Lesson messages (curriculum.replies): plain data any channel can render."""

from curriculum.engine import NEXT, Turn
from curriculum.replies import Button, from_turn, reflow


def test_reflow_joins_wrapped_paragraph_lines_but_keeps_tables_lists_and_code():
    text = ("Machine learning\nflips it around.\n\n| x | y |\n|---|---|\n| 1 | 3 |\n\n1. predict\n2. measure\n\n"
            "```\na = 1\nb = 2\n```")
    assert reflow(text) == ("Machine learning flips it around.\n\n| x | y |\n|---|---|\n| 1 | 3 |\n\n"
                            "1. predict\n2. measure\n\n```\na = 1\nb = 2\n```")


def test_reflow_joins_a_wrapped_bullet_onto_its_item_and_keeps_one_line_per_item():
    text = ("- The weight is the slope:\n  how much y changes per x.\n- The bias is where the line\n"
            "  crosses zero.\n1. one\n   more")
    assert reflow(text) == ("- The weight is the slope: how much y changes per x.\n"
                            "- The bias is where the line crosses zero.\n1. one more")


def test_no_shipped_lesson_message_breaks_a_line_mid_sentence():
    """Every say/ask text of lessons/*.yml, reflowed, breaks only between paragraphs, items,
    table rows or code lines: a line never ends mid-sentence with the next starting in lower case."""
    import yaml

    from tests.conftest import ROOT

    broken = []
    for path in sorted((ROOT / "lessons").glob("*.yml")):
        for step in yaml.safe_load(path.read_text())["steps"]:
            for key in ("text", "question", "fail_text"):
                if isinstance(step.get(key), str) and "```" not in step[key]:
                    lines = reflow(step[key]).split("\n")
                    broken += [f"{path.name}:{step['id']}: {a!r}" for a, b in zip(lines, lines[1:])
                               if a.strip() and b.strip() and b.strip()[0].islower() and not KEEP.match(b)]
    assert broken == []


KEEP = __import__("re").compile(r"^\s*([|>#]|[-*+]\s|\d+[.)]\s|```)")


def test_an_engine_turn_becomes_a_message_with_semantic_buttons_and_an_image_url():
    turn = Turn("Look\nhere.", [{"title": "Next", "payload": NEXT}, {"title": "A colour", "payload": "b"}],
                image="images/neuron.png")
    message = from_turn(turn, "http://tutor.test/")
    assert message.text == "Look here."
    assert message.buttons == [Button("Next", "next"), Button("A colour", "answer", "b")]
    assert message.image == "http://tutor.test/lesson-images/neuron.png"
    assert from_turn(Turn("x", image="https://example.org/a.png"), "http://t").image == "https://example.org/a.png"
