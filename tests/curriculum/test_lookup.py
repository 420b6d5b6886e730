"""Which lesson a learner names (curriculum.lookup): by number, ordinal, id or topic words."""

import pytest

from curriculum.lookup import find_lesson
from curriculum.model import Lesson


def _lesson(lesson_id: str, title: str) -> Lesson:
    return Lesson.model_validate({"id": lesson_id, "title": title, "chapters": [1], "minutes": 5,
                                  "steps": [{"id": "only", "type": "say", "text": "Hi."}]})


LESSONS = [_lesson("tiny", "Tiny lesson"), _lesson("second", "Time series forecasting")]


@pytest.mark.parametrize("text,expected", [
    ("start lesson 2", "second"), ("begin the first lesson", "tiny"), ("lesson two please", "second"),
    ("start tiny", "tiny"), ("teach me about forecasting time series", "second"),
])
def test_find_lesson_reads_numbers_words_ids_and_topics(text, expected):
    assert find_lesson(LESSONS, text).id == expected


def test_find_lesson_returns_none_for_an_unknown_lesson():
    assert find_lesson(LESSONS, "start lesson 9") is None


def test_find_lesson_reads_a_cardinal_only_next_to_lesson():
    assert find_lesson(LESSONS, "the one on time series").id == "second"  # "one" is not lesson 1
    assert find_lesson(LESSONS, "lesson number two").id == "second"


def test_find_lesson_matches_topic_words_by_their_stem():
    assert find_lesson(LESSONS, "I want to learn forecasts").id == "second"
