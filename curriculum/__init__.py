"""Lessons: the YAML lesson format (curriculum.model), reading it with positions
(curriculum.loader) and checking it (curriculum.validate). `python -m curriculum check` checks
lessons/; `python -m curriculum schema` regenerates lessons/lesson.schema.json."""

from pathlib import Path

from curriculum.loader import Error, parse_lesson
from curriculum.model import (
                              END,
                              LESSON_SKILLS,
                              SKILL_METRICS,
                              AskStep,
                              BranchStep,
                              CheckpointStep,
                              ChoiceAsk,
                              ChooseSpec,
                              Lesson,
                              MetricCondition,
                              Option,
                              QuizPassed,
                              RunStep,
                              SayStep,
                              ShortAsk,
                              Step,
                              normalize_answer,
)
from curriculum.schema import json_schema
from curriculum.validate import LessonErrors, check_files, check_folder, load_lessons, parse_and_validate, validate_text

LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"
SCHEMA_FILE = LESSONS_DIR / "lesson.schema.json"

__all__ = [
    "END", "LESSONS_DIR", "LESSON_SKILLS", "SCHEMA_FILE", "SKILL_METRICS", "AskStep", "BranchStep",
    "CheckpointStep", "ChoiceAsk", "ChooseSpec", "Error", "Lesson", "LessonErrors",
    "MetricCondition", "Option", "QuizPassed", "RunStep", "SayStep", "ShortAsk", "Step",
    "check_files", "check_folder", "json_schema", "load_lessons", "normalize_answer",
    "parse_and_validate", "parse_lesson", "validate_text",
]
