"""Fuzz: every parser that reads a learner's text, on anything hypothesis can type (up to the
2,000-character chat cap). Each must answer (a value, or a RequestParseError the action turns
into a reply), never raise anything else, and stay fast; the refusal path after it (Params
validation and the plain-words `explain`) must produce a sentence, too. tests/security/
test_parsers_linear.py pins the time bound on the hostile runs that used to be quadratic.
"""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from actions.catalogue import CATALOGUE
from actions.neuron_request import RequestParseError, parse_neuron_request
from actions.refusals import explain
from actions.text_tools import sentence_in
from curriculum import LESSONS_DIR, engine, load_lessons
from curriculum.engine import Position
from curriculum.lookup import find_lesson
from curriculum.model import AskStep, RunStep
from skills import hello_neuron

LIMIT_S = 0.2  # per message; the parsers take < 1 ms on 2,000 characters
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Words and marks the grammars react to, so examples reach past "nothing found".
WORDS = st.sampled_from(["epochs", "epoch", "lr", "learning rate", "dropout", "seed", "window",
                         "y = 2x - 1", "(1, 3)", "1e-3", "10 million", "30%", "no", "without",
                         "more", "fewer", "tokenize", "positive", ":", "\"", "\u201c", "lesson",
                         "3", "-", "\u2212", "cnn", "lstm", "with augmentation", "temperature"])
MESSAGES = st.one_of(
    st.text(max_size=2000),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60).map(" ".join),
).filter(lambda text: len(text) <= 2000)


@pytest.fixture(scope="module")
def lessons():
    return load_lessons(LESSONS_DIR)


def timed(call, *args):
    started = time.perf_counter()
    result = call(*args)
    assert time.perf_counter() - started < LIMIT_S
    return result


@FUZZ
@given(text=MESSAGES)
def test_the_neuron_parser_reads_any_message_or_refuses_it_in_words(text):
    try:
        raw = timed(parse_neuron_request, text)
    except RequestParseError as refusal:
        assert str(refusal)
        return
    assert set(raw) <= {"epochs", "learning_rate", "points", "rule"}
    try:
        hello_neuron.Params.model_validate(raw)
    except ValidationError as invalid:
        assert "Nothing was started" in explain(invalid, raw)


@FUZZ
@given(text=MESSAGES, intent=st.sampled_from(sorted(CATALOGUE)))
def test_every_skills_options_read_any_message_or_refuse_it_in_words(text, intent):
    from actions.train_skill import fill_named

    entry = CATALOGUE[intent]
    params_class = entry.params_class()
    named: dict = {}
    try:
        raw = timed(entry.options.parse, text, named)
    except RequestParseError as refusal:
        assert str(refusal)
        return
    assert set(raw) | set(named) <= set(params_class.model_fields)
    fill_named(raw, named, params_class)
    try:
        params_class.model_validate(raw)
    except ValidationError as invalid:
        assert "Nothing was started" in explain(invalid, raw, params_class)


@FUZZ
@given(text=MESSAGES)
def test_the_sentence_tools_find_a_sentence_or_none(text):
    for command in (r"^.*?\btokeni[sz](?:e|ation)", r"^.*?\b(?:positive|negative|sentiment)\b"):
        found = timed(sentence_in, text, command)
        assert found is None or isinstance(found, str)


@FUZZ
@given(text=MESSAGES, data=st.data())
def test_lesson_answers_and_picks_get_a_reply_for_any_message(lessons, text, data):
    open_steps = [(lesson, step) for lesson in lessons.values() for step in lesson.steps
                  if isinstance(step, AskStep) or (isinstance(step, RunStep) and step.choose)]
    lesson, step = data.draw(st.sampled_from(open_steps))
    turns = timed(engine.answer, lesson, Position(lesson.id, step.id), text)
    assert turns and all(isinstance(turn.text, str) and turn.text for turn in turns)


@FUZZ
@given(text=MESSAGES)
def test_lesson_lookup_names_a_lesson_or_none_for_any_message(lessons, text):
    found = timed(find_lesson, list(lessons.values()), text)
    assert found is None or found.id in lessons


@pytest.mark.parametrize("digits", [4300, 4301, 20_000])
def test_lesson_lookup_survives_a_number_longer_than_python_converts(lessons, digits):
    """int() refuses strings of more than 4,300 digits; lookup used to raise on them."""
    assert find_lesson(list(lessons.values()), "start lesson " + "1" * digits) is None
