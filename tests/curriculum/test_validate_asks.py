"""The checker's warnings on questions (issue 16): a short question that accepts one spelling
only, and anything said while tries remain that gives the answer away."""

from curriculum import LESSONS_DIR
from curriculum.loader import parse_lesson
from curriculum.validate import lesson_files
from curriculum.validate_asks import warnings_for, warnings_for_files

QUESTION = """
id: warn
title: Warn
chapters: [2]
minutes: 5
steps:
  - id: q-relu
    type: ask
    kind: short
    question: "Which activation zeroes negatives?"
    accept: [relu, ReLU]
    hints: ["{hint}"]
  - id: q-out
    type: ask
    kind: choice
    question: "How many outputs for 10 classes?"
    options:
      - {{id: a, text: "1", feedback: "{feedback}"}}
      - {{id: b, text: "10", correct: true}}
"""


def _warnings(hint="Four letters.", feedback="One score is not one per class."):
    lesson, source, errors = parse_lesson(QUESTION.format(hint=hint, feedback=feedback), "warn.yml")
    assert errors == []
    return [warning.message for warning in warnings_for(lesson, source)]


def test_a_short_question_with_a_single_spelling_is_warned_about():
    (warning,) = _warnings()
    assert "'q-relu' accepts only 'relu' as written" in warning and "synonyms" in warning


def test_a_hint_or_wrong_option_feedback_that_names_the_answer_is_warned_about():
    found = _warnings(hint="It is ReLU.", feedback="You need 10, one per class.")
    assert sum("gives the answer away ('relu')" in w for w in found) == 1
    assert sum("gives the answer away ('10')" in w for w in found) == 1


def test_the_shipped_lessons_have_no_warnings():
    assert warnings_for_files(lesson_files(LESSONS_DIR)) == []
