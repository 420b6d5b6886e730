"""The shipped lessons (lessons/*.yml): all valid, enough of them, each a real lesson."""

from pathlib import Path

import pytest

from curriculum import SKILL_METRICS, CheckpointStep, MetricCondition, check_folder, load_lessons
from curriculum.loader import SCHEMA_COMMENT
from skills import registry

LESSONS = Path(__file__).parents[2] / "lessons"
SKILLED_CHAPTERS = {1, 2, 3, 5, 6, 7, 8, 9, 10, 11}  # chapters a training skill covers


@pytest.fixture(scope="module")
def lessons():
    return load_lessons(LESSONS)


def test_every_shipped_lesson_validates_without_errors():
    _, errors = check_folder(LESSONS)
    assert errors == [], "\n".join(map(str, errors))


def test_there_are_at_least_eight_lessons_with_three_questions_each(lessons):
    assert len(lessons) >= 8
    for lesson in lessons.values():
        assert len(lesson.asks) >= 3, lesson.id


def test_every_lesson_on_a_skilled_chapter_runs_a_skill(lessons):
    for lesson in lessons.values():
        if SKILLED_CHAPTERS & set(lesson.chapters):
            assert lesson.runs, lesson.id


def test_the_lessons_cover_the_syllabus_chapters(lessons):
    covered = {chapter for lesson in lessons.values() for chapter in lesson.chapters}
    assert {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 19} <= covered


def test_the_first_lesson_has_no_prerequisites_and_some_lesson_branches(lessons):
    assert lessons["hello-neuron"].prerequisites == []
    assert any(step.type == "branch" for lesson in lessons.values() for step in lesson.steps)


def test_every_training_skill_is_run_by_some_lesson_with_a_metric_checkpoint(lessons):
    runs = {run.skill for lesson in lessons.values() for run in lesson.runs}
    assert runs == set(SKILL_METRICS)
    checked = {step.condition.skill for lesson in lessons.values() for step in lesson.steps
               if isinstance(step, CheckpointStep) and isinstance(step.condition, MetricCondition)}
    assert {"hello_neuron", "vision", "sentiment", "textgen", "timeseries"} <= checked


def test_lesson_runs_stay_cheap(lessons):
    """Fixed or chosen epochs stay small, so a run takes seconds on a laptop CPU."""
    limits = {"hello_neuron": 1000, "vision": 15, "transfer": 10, "sentiment": 20, "textgen": 40,
              "timeseries": 30}
    for lesson in lessons.values():
        for run in lesson.runs:
            epochs = run.params.get("epochs", run.choose["epochs"].max if "epochs" in run.choose
                                    else registry.get(run.skill).params().epochs)
            assert epochs <= limits[run.skill], (lesson.id, run.id)


def test_every_lesson_file_starts_with_the_schema_comment():
    for path in sorted(LESSONS.glob("*.yml")):
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_COMMENT, path.name


def test_lesson_skills_and_metrics_exist_in_the_registry():
    for skill in SKILL_METRICS:
        assert skill in registry.specs()


def test_checking_lessons_never_imports_tensorflow():
    import subprocess
    import sys

    code = ("import sys, curriculum; curriculum.load_lessons('lessons'); "
            "sys.exit('tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=LESSONS.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
