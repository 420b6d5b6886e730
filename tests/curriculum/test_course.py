"""The course as one learner sees it (curriculum.course): pure texts from lessons and rows."""

from curriculum import course, positions
from curriculum.engine import Position
from curriculum.model import Lesson
from curriculum.replies import Button
from curriculum.reports import LearnerSummary, LessonSummary
from db.models import LessonProgress, LessonStatus, utcnow


def _lesson(lesson_id: str, title: str, prerequisites=()) -> Lesson:
    return Lesson.model_validate({"id": lesson_id, "title": title, "chapters": [1], "minutes": 5,
                                  "prerequisites": list(prerequisites), "steps": [
                                      {"id": "one", "type": "say", "text": "Hi."},
                                      {"id": "two", "type": "say", "text": "Bye."}]})


A, B, C, D = (_lesson("a", "Alpha"), _lesson("b", "Beta", ["a"]), _lesson("c", "Gamma"), _lesson("d", "Delta"))
COURSE = [A, B, C, D]


def _row(lesson_id: str, status: LessonStatus, step_id: str | None = "two", completed=False) -> LessonProgress:
    return LessonProgress(lesson_id=lesson_id, status=status, step_id=step_id,
                          position=positions.dump(Position(lesson_id, step_id)),
                          completed_at=utcnow() if completed else None)


def test_the_lesson_list_numbers_lessons_and_says_where_the_learner_is():
    rows = {"a": _row("a", LessonStatus.completed, None, completed=True), "b": _row("b", LessonStatus.paused)}
    text = course.lesson_list(COURSE, rows).text
    assert "1. **Alpha** (ch. 1, about 5 min) ✓ done" in text
    assert "2. **Beta** (ch. 1, about 5 min) (paused at step 2 of 2)" in text
    assert "3. **Gamma** (ch. 1, about 5 min)\n" in text
    assert course.lesson_list([], {}).text.startswith("There are no lessons yet")


def test_the_list_suggests_one_lesson_to_resume_then_lessons_not_started_three_in_all():
    rows = {"a": _row("a", LessonStatus.completed, None, completed=True), "b": _row("b", LessonStatus.quit)}
    assert course.lesson_list(COURSE, rows).buttons == [
        Button("Resume lesson 2: Beta", "start_lesson", "b"), Button("Start lesson 3: Gamma", "start_lesson", "c"),
        Button("Start lesson 4: Delta", "start_lesson", "d")]
    assert [lesson.id for _, lesson in course.suggested(COURSE, {})] == ["a", "b", "c"]


def test_a_position_that_no_longer_fits_its_lesson_shows_as_started():
    row = _row("a", LessonStatus.active, "removed-step")
    assert course.status_note(A, row) == " (started)"
    assert course.status_note(A, _row("a", LessonStatus.active, "one")) == " ▶ you're here, step 1 of 2"


def test_missing_prerequisites_are_named_until_completed():
    assert "builds on **Alpha**" in course.missing_prerequisites(B, COURSE, {})
    assert "builds on **Alpha**" in course.missing_prerequisites(B, COURSE, {"a": _row("a", LessonStatus.active)})
    done = {"a": _row("a", LessonStatus.completed, None, completed=True)}
    assert course.missing_prerequisites(B, COURSE, done) is None and course.missing_prerequisites(A, COURSE, {}) is None


def test_a_lesson_number_counts_in_course_order_and_is_zero_once_removed():
    assert course.number(COURSE, C) == 3 and course.number([A, B], C) == 0


def test_the_progress_message_lists_lessons_started_with_scores_and_offers_the_next_one():
    def item(lesson, status, done, step=None, answered=0, right=0):
        return LessonSummary(lesson_id=lesson.id, title=lesson.title, status=status, step_number=step, steps=2,
                             done=done, answered=answered, first_try_correct=right, attempts=answered)
    summary = LearnerSummary(lessons=[item(A, "completed", 1.0, answered=2, right=1), item(B, "active", 0.5, 2),
                                      item(C, "not started", 0.0), item(D, "not started", 0.0)],
                             completed=1, started=2, answered=2, first_try_correct=1, trainings=3)
    message = course.progress_message(summary)
    assert message.text.splitlines() == [
        "You've completed 1 of 4 lessons and run 3 trainings.",
        "Quiz questions: 1 of 2 right on the first try (50%).",
        "- **Alpha**: done ✓, quiz 1/2 first try",
        "- **Beta**: active, step 2 of 2 (50%)"]
    assert message.buttons == [Button("Start Gamma", "start_lesson", "c")]
