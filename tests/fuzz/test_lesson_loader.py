"""Fuzz: the lesson loader and validator on anything staff could save. Any text, any YAML
structure and any edit of a shipped lesson must come back as a lesson or as errors with a line
inside the file, never as an exception, and quickly (issue 14: linear in the document).
"""

import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curriculum import LESSONS_DIR
from curriculum.validate import parse_and_validate

SHIPPED = sorted(LESSONS_DIR.glob("*.yml"))
LIMIT_S = 2.0  # a whole lesson (up to the API's 200 kB) validates in well under this
FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(text: str) -> None:
    """The validator answers with a lesson xor errors, each error inside the file."""
    started = time.perf_counter()
    lesson, errors = parse_and_validate(text, "fuzz.yml")
    assert time.perf_counter() - started < LIMIT_S
    assert (lesson is None) == bool(errors)
    lines = text.count("\n") + 2
    for error in errors:
        assert error.file == "fuzz.yml" and error.message
        assert 1 <= error.line <= lines and error.column >= 1, error


@FUZZ
@given(text=st.text(max_size=3000))
def test_any_text_gets_a_lesson_or_errors_at_lines_in_the_file(text):
    check(text)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["say", "ask", "run", "choice", "short",
                                                           "end", "re:(a+)+$", "hello_neuron"]))
KEYS = st.one_of(st.sampled_from(["id", "title", "chapters", "minutes", "steps", "type", "kind",
                                  "text", "question", "options", "accept", "next", "skill",
                                  "params", "choose", "on", "if_correct", "if_wrong",
                                  "prerequisites", "summary", "correct", "condition"]),
                 st.text(max_size=10))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(KEYS, inner, max_size=8)), max_leaves=40)


@FUZZ
@given(document=st.dictionaries(KEYS, DOCUMENTS, max_size=10))
def test_any_yaml_structure_gets_a_lesson_or_errors(document):
    check(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(data=st.data())
def test_any_edit_of_a_shipped_lesson_gets_a_lesson_or_errors(data):
    lines = data.draw(st.sampled_from(SHIPPED)).read_text(encoding="utf-8").splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["delete", "duplicate", "insert", "indent", "dedent"]))
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "insert":
            cut = data.draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + data.draw(st.text(max_size=8)) + lines[at][cut:]
        elif edit == "indent":
            lines[at] = "  " + lines[at]
        else:
            lines[at] = lines[at].removeprefix("  ")
    check("\n".join(lines) + "\n")


def test_a_control_character_gets_an_error_at_its_line_and_column():
    """Found by the fuzz above: PyYAML's reader raised on it, so the API answered 500."""
    _, errors = parse_and_validate("id: a\ntitle: b\x1fc\n", "fuzz.yml")
    assert [(e.line, e.column) for e in errors] == [(2, 9)]
    assert "control character #x001f" in errors[0].message
