"""A learner's Position kept in their LessonProgress row (curriculum.positions)."""

from datetime import UTC, datetime, timedelta

from curriculum import positions
from curriculum.engine import Position
from curriculum.model import Lesson
from db.models import LessonProgress

LESSON = Lesson.model_validate({"id": "tiny", "title": "Tiny", "chapters": [1], "minutes": 5, "steps": [
    {"id": "hello", "type": "say", "text": "Hi."},
    {"id": "q1", "type": "ask", "kind": "short", "question": "Yes?", "accept": ["yes"]}]})


def test_a_dumped_position_loads_back_equal_and_as_a_copy_the_engine_may_change():
    position = Position("tiny", "q1", tries={"q1": 1}, hints={"q1": 1}, metrics={"hello_neuron": {"loss": 0.1}})
    row = LessonProgress(position=positions.dump(position))
    loaded = positions.load(row)
    assert loaded == position
    loaded.tries["q1"] = 2
    assert row.position["tries"] == {"q1": 1}  # SQLAlchemy sees the change only on a new value


def test_a_row_without_a_position_loads_none_and_unknown_keys_are_ignored():
    assert positions.load(LessonProgress(position={})) is None
    assert positions.load(LessonProgress(position={"lesson_id": "tiny", "step_id": "q1", "old": 1})) == \
        Position("tiny", "q1")


def test_a_position_is_valid_only_in_its_lesson_at_a_step_that_still_exists():
    assert positions.valid(LESSON, Position("tiny", "q1")) and positions.valid(LESSON, Position("tiny", None))
    assert not positions.valid(LESSON, Position("tiny", "removed"))
    assert not positions.valid(LESSON, Position("other", "q1"))


def test_step_number_counts_from_one_and_is_the_last_step_once_finished():
    assert positions.step_number(LESSON, Position("tiny", "hello")) == 1
    assert positions.step_number(LESSON, Position("tiny", "q1")) == 2
    assert positions.step_number(LESSON, Position("tiny", None)) == 2
    assert positions.step_number(LESSON, None) == 2


def test_seconds_since_asked_reads_a_naive_time_from_sqlite_as_utc():
    now = datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)
    assert positions.seconds_since_asked(LessonProgress(asked_at=datetime(2026, 1, 1, 12)), now) == 30
    assert positions.seconds_since_asked(LessonProgress(asked_at=now - timedelta(seconds=5)), now) == 5
    assert positions.seconds_since_asked(LessonProgress(asked_at=None), now) is None
