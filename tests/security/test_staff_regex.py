"""Finding: staff `re:` answer patterns ran on Python's `re` with no time limit (issue 14). A
lesson could be saved with `re:(a+)+$`, and then a 30-letter reply kept the service searching
for minutes; `((a{100}){100}){100}` compiles for seconds on a regex engine that writes counted
repeats out. Now such patterns are refused, at their line, when a lesson is validated or saved,
and grading searches with a time limit even for a pattern that was never checked.
"""

import shutil
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from curriculum import LESSONS_DIR
from curriculum.model import ShortAsk
from curriculum.validate import validate_text

LESSON = LESSONS_DIR / "01-hello-neuron.yml"
SHIPPED_PATTERN = '"re:^\\\\s*(y\\\\s*=\\\\s*)?2\\\\s*\\\\*?\\\\s*x\\\\s*(-|\\\\+\\\\s*-)\\\\s*1\\\\s*$"'


def lesson_with_pattern(pattern: str) -> tuple[str, int]:
    """Lesson 1 with its short answer's pattern replaced; (text, line of the pattern)."""
    text = LESSON.read_text()
    assert SHIPPED_PATTERN in text
    line = text[:text.index(SHIPPED_PATTERN)].count("\n") + 1
    return text.replace(SHIPPED_PATTERN, f'"re:{pattern}"', 1), line


@pytest.mark.parametrize("pattern, says", [
    ("(a+)+$", "takes too long on some answers"),
    ("(\\\\w+\\\\s?)+$", "takes too long on some answers"),
    ("((a{100}){100}){100}", "too big once its counted repeats"),
    ("(unclosed", "is not a valid regular expression"),
])
def test_a_bad_or_catastrophic_answer_pattern_is_refused_at_its_line(pattern, says):
    text, line = lesson_with_pattern(pattern)
    started = time.perf_counter()
    errors = validate_text(text, "01-hello-neuron.yml", replaces="hello-neuron")
    assert time.perf_counter() - started < 5
    assert [(e.line, says in e.message) for e in errors] == [(line, True)], errors


def test_the_shipped_answer_patterns_pass_the_check():
    text, _ = lesson_with_pattern("^\\\\s*(y\\\\s*=\\\\s*)?2\\\\s*\\\\*?\\\\s*x\\\\s*(-|\\\\+\\\\s*-)\\\\s*1\\\\s*$")
    assert validate_text(text, "01-hello-neuron.yml", replaces="hello-neuron") == []


def test_the_staff_api_refuses_to_save_a_catastrophic_pattern(make_settings, tmp_path, sqlite_sessions):
    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, folder)
    before = (folder / LESSON.name).read_text()
    text, line = lesson_with_pattern("(a|aa)+$")
    with TestClient(create_app(make_settings(staff_token="s3cret", lessons_dir=folder))) as client:
        response = client.put("/staff/lessons/hello-neuron", content=text,
                              headers={"Authorization": "Bearer s3cret",
                                       "Content-Type": "application/yaml"})
    assert response.status_code == 422
    [error] = response.json()["detail"]["errors"]
    assert error["line"] == line and "takes too long" in error["message"]
    assert (folder / LESSON.name).read_text() == before


@pytest.mark.timeout(30)  # the old grader searched for minutes: fail instead of hanging
def test_grading_with_an_unchecked_catastrophic_pattern_gives_up_within_the_time_limit():
    """A lesson object built without validation (as from a file saved before this check)."""
    ask = ShortAsk.model_construct(type="ask", id="q", kind="short", question="?",
                                   accept=["re:(a+)+$"], hints=[], retries=1)
    started = time.perf_counter()
    assert ask.accepts("a" * 30 + "!") is False
    assert time.perf_counter() - started < 1.0  # the search gives up at 0.05 s
    assert ask.accepts("aaa") is True
