"""Curriculum speaks no chat protocol: its buttons say what a click means, and actions/lessons.py
writes the Rasa payloads. A payload string here would tie lessons to Rasa again."""

import re

from tests.conftest import ROOT

RASA_PAYLOADS = re.compile(r"[\"'](/lesson_|/start_lesson|/list_lessons)")


def test_no_curriculum_module_writes_a_rasa_payload_string():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted((ROOT / "curriculum").glob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if RASA_PAYLOADS.search(line)]
    assert found == []


def test_the_payload_check_finds_a_payload_string():
    assert RASA_PAYLOADS.search('buttons = [{"payload": "/lesson_next"}]')
    assert RASA_PAYLOADS.search("'/start_lesson' + lesson_id")
    assert not RASA_PAYLOADS.search("see actions/lessons.py for /lesson_next")
