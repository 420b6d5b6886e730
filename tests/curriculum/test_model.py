"""The lesson models: the YAML dialect, walking steps, the exported JSON Schema (answer matching:
test_asks.py)."""

import json
import subprocess
import sys
from pathlib import Path

from curriculum import SCHEMA_FILE, BranchStep, Lesson, json_schema
from curriculum.__main__ import schema_text
from curriculum.loader import parse_lesson

ROOT = Path(__file__).parents[2]


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
