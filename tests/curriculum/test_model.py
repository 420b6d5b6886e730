"""The lesson models: answer matching, the YAML dialect, the exported JSON Schema."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from curriculum import SCHEMA_FILE, BranchStep, ChoiceAsk, Lesson, ShortAsk, json_schema, normalize_answer
from curriculum.__main__ import schema_text
from curriculum.loader import parse_lesson

ROOT = Path(__file__).parents[2]


def short(*accept: str) -> ShortAsk:
    return ShortAsk(type="ask", kind="short", id="q", question="?", accept=list(accept))


@pytest.mark.parametrize("answer", ["y = 2x - 1", "Y=2X-1", "  y = 2x-1. ", "y=2x - 1!"])
def test_short_answers_ignore_case_spaces_and_punctuation(answer):
    assert short("y = 2x - 1").accepts(answer)


def test_short_answers_keep_minus_signs_and_decimal_points():
    assert normalize_answer("-1") != normalize_answer("1")
    assert short("0.01").accepts("0.01") and not short("0.01").accepts("001")
    assert short("-1").accepts("- 1") and not short("-1").accepts("1")


def test_short_answers_read_typographic_minus_signs_as_minus():
    assert short("y = 2x - 1").accepts("y = 2x \u2212 1") and short("-1").accepts("\u20131")


def test_short_answers_with_re_prefix_are_searched_case_insensitively():
    ask = short("re:rectified\\s+linear")
    assert ask.accepts("It is a Rectified  Linear unit") and not ask.accepts("sigmoid")


def test_choice_answers_match_the_option_id_number_or_text():
    ask = ChoiceAsk(type="ask", kind="choice", id="q", question="?", options=[
        {"id": "a", "text": "Lower"}, {"id": "b", "text": "Higher", "correct": True}])
    assert [ask.option_for(reply).id for reply in ("b", "B", "2", "higher.")] == ["b"] * 4
    assert ask.option_for("sideways") is None and [o.id for o in ask.correct_options] == ["b"]


def test_numeric_options_are_named_by_their_value_in_digits_or_words_never_by_position():
    ask = ChoiceAsk(type="ask", kind="choice", id="q", question="?", options=[
        {"id": "a", "text": "1"}, {"id": "b", "text": "8"}, {"id": "c", "text": "10", "correct": True}])
    assert [ask.option_for(reply).id for reply in ("ten", "Ten.", "10", "c", "one")] == ["c", "c", "c", "c", "a"]
    assert ask.option_for("3") is None  # the third option reads 10: "3" is not what the learner sees


def test_a_branch_key_named_on_stays_a_string_in_yaml():
    """YAML 1.1 reads an unquoted `on:` key as the boolean true; lessons use YAML 1.2 booleans."""
    text = (ROOT / "lessons" / "01-hello-neuron.yml").read_text(encoding="utf-8")
    lesson, _, errors = parse_lesson(text, "01.yml")
    assert errors == []
    branch = next(step for step in lesson.steps if isinstance(step, BranchStep))
    assert branch.on == "q-flip"


def test_lesson_walks_next_fall_through_branches_and_retries():
    lesson = Lesson.model_validate({"id": "x", "title": "t", "chapters": [1], "minutes": 1, "steps": [
        {"id": "q", "type": "ask", "kind": "short", "question": "?", "accept": ["a"]},
        {"id": "b", "type": "branch", "on": "q", "if_correct": "end", "if_wrong": "s"},
        {"id": "s", "type": "say", "text": "hi", "next": "q"},
        {"id": "c", "type": "checkpoint", "condition": {"quiz_passed": "q"}, "fail_text": "no",
         "retry_step": "q"},
    ]})
    assert lesson.following("q") == "b" and lesson.following("c") is None
    assert lesson.successors("b") == ["s"] and lesson.successors("s") == ["q"]
    assert lesson.successors("c") == ["q"]


def test_committed_schema_equals_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), \
        "lessons/lesson.schema.json is stale: run python -m curriculum schema"


def test_schema_offers_every_step_type_and_forbids_unknown_fields():
    schema = json_schema()
    steps = schema["properties"]["steps"]["items"]["oneOf"]
    assert len(steps) == 5
    for name in ("SayStep", "ChoiceAsk", "ShortAsk", "RunStep", "CheckpointStep", "BranchStep"):
        assert schema["$defs"][name]["additionalProperties"] is False
    json.dumps(schema)  # plain JSON


def test_schema_command_check_mode_passes_on_the_committed_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "curriculum", "schema", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    stale = tmp_path / "old.json"
    stale.write_text("{}")
    done = subprocess.run([sys.executable, "-m", "curriculum", "schema", "--check", "--output", str(stale)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1 and "out of date" in done.stderr
