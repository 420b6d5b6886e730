"""The whole course as one learner sees it: every lesson with where they are in it, what to take
next, missing prerequisites, and the "how am I doing?" summary.

Tutoring runs turns inside one lesson; these texts are about all of them, and are pure functions
of the lessons (in course order) and the learner's rows or summary, testable without a database.
"""

from curriculum import positions
from curriculum.model import Lesson
from curriculum.replies import Button, Message
from curriculum.reports import NOT_STARTED, LearnerSummary
from db.models import LessonProgress, LessonStatus

SUGGESTIONS = 3  # start buttons under the lesson list; at most one of them resumes


def lesson_list(lessons: list[Lesson], rows: dict[str, LessonProgress]) -> Message:
    """Every lesson, numbered as "start lesson 2" counts, with the learner's status in each."""
    if not lessons:
        return Message("There are no lessons yet. Ask me anything meanwhile!")
    lines = ["Here are the lessons. Say \"start lesson 2\" (or click one) to begin:"]
    for number, lesson in enumerate(lessons, start=1):
        chapters = ", ".join(map(str, lesson.chapters))
        lines.append(f"{number}. **{lesson.title}** (ch. {chapters}, about {lesson.minutes} min)"
                     f"{status_note(lesson, rows.get(lesson.id))}")
    buttons = [Button(f"{verb} lesson {lessons.index(lesson) + 1}: {lesson.title}", "start_lesson", lesson.id)
               for verb, lesson in suggested(lessons, rows)]
    return Message("\n".join(lines), buttons)


def status_note(lesson: Lesson, row: LessonProgress | None) -> str:
    if row is None:
        return ""
    if row.status is LessonStatus.completed:
        return " ✓ done"
    position = positions.load(row)
    if position is None or not positions.valid(lesson, position):
        return " (started)"
    where = f"step {positions.step_number(lesson, position)} of {len(lesson.steps)}"
    return f" ▶ you're here, {where}" if row.status is LessonStatus.active else f" (paused at {where})"


def suggested(lessons: list[Lesson], rows: dict[str, LessonProgress]) -> list[tuple[str, Lesson]]:
    """The lesson to resume, if any, then lessons not started yet, in course order."""
    picks = [("Resume", lesson) for lesson in lessons if lesson.id in rows
             and rows[lesson.id].status in (LessonStatus.active, LessonStatus.paused, LessonStatus.quit)][:1]
    fresh = [lesson for lesson in lessons if lesson.id not in rows]
    return picks + [("Start", lesson) for lesson in fresh[:SUGGESTIONS - len(picks)]]


def number(lessons: list[Lesson], lesson: Lesson) -> int:
    """The lesson's number in "start lesson N" (0 once it left the course)."""
    ids = [known.id for known in lessons]
    return ids.index(lesson.id) + 1 if lesson.id in ids else 0


def missing_prerequisites(lesson: Lesson, lessons: list[Lesson], rows: dict[str, LessonProgress]) -> str | None:
    """A heads-up naming the prerequisites the learner hasn't completed; they may go ahead anyway."""
    by_id = {known.id: known for known in lessons}
    names = [f"**{by_id[p].title}**" for p in lesson.prerequisites
             if p in by_id and (rows.get(p) is None or rows[p].completed_at is None)]
    if not names:
        return None
    return (f"Heads-up: this lesson builds on {', '.join(names)}, which you haven't finished. "
            "You can go ahead anyway, or say \"quit lesson\" and do that first.")


def progress_line(summary: LearnerSummary) -> str:
    """The course so far in one line: also said by "where was I?" once no lesson is open."""
    return (f"You've completed {summary.completed} of {len(summary.lessons)} lessons"
            + (f" and run {summary.trainings} trainings." if summary.trainings else "."))


def progress_message(summary: LearnerSummary) -> Message:
    """"How am I doing?" in words: lessons completed, trainings, first-try quiz score, each lesson
    started, and a button for the next lesson not started."""
    lines = [progress_line(summary)]
    if summary.answered:
        share = round(100 * summary.first_try_correct / summary.answered)
        lines.append(f"Quiz questions: {summary.first_try_correct} of {summary.answered} right "
                     f"on the first try ({share}%).")
    for item in summary.lessons:
        if item.status == NOT_STARTED:
            continue
        where = ("done ✓" if item.done == 1.0 else
                 f"{item.status}, step {item.step_number} of {item.steps} ({round(100 * item.done)}%)")
        score = f", quiz {item.first_try_correct}/{item.answered} first try" if item.answered else ""
        lines.append(f"- **{item.title}**: {where}{score}")
    upcoming = next((item for item in summary.lessons if item.status == NOT_STARTED), None)
    buttons = [Button(f"Start {upcoming.title}", "start_lesson", upcoming.lesson_id)] if upcoming else []
    return Message("\n".join(lines), buttons)
