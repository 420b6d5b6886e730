"""Progress reports (curriculum.reports) on SQLite and PostgreSQL (the `db_url` fixture runs both).

The course here is two small lessons built in code, so the expected numbers below follow from the
rows each test writes, not from the shipped lesson files.
"""

from datetime import timedelta

import pytest

from curriculum import reports
from curriculum.model import Lesson
from db.models import Job, JobStatus, Learner, LessonProgress, LessonStatus, QuizAttempt, utcnow

ALPHA = Lesson.model_validate({"id": "alpha", "title": "Alpha", "chapters": [1], "minutes": 5, "steps": [
    {"id": "intro", "type": "say", "text": "Hello."},
    {"id": "q1", "type": "ask", "kind": "choice", "question": "Which is b?",
     "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "correct": True}]},
    {"id": "q2", "type": "ask", "kind": "short", "question": "Say yes.", "accept": ["yes"]},
    {"id": "outro", "type": "say", "text": "Bye."}]})
BETA = Lesson.model_validate({"id": "beta", "title": "Beta", "chapters": [2], "minutes": 5, "steps": [
    {"id": "b1", "type": "say", "text": "Hi."},
    {"id": "bq", "type": "ask", "kind": "short", "question": "Say no.", "accept": ["no"]}]})
COURSE = [ALPHA, BETA]


def _learner(s, name: str) -> Learner:
    learner = Learner(channel="socketio", external_id=name)
    s.add(learner)
    s.flush()
    return learner


def _progress(s, learner, lesson_id, status, step_id, completed=False) -> LessonProgress:
    now = utcnow()
    row = LessonProgress(learner_id=learner.id, lesson_id=lesson_id, status=status, step_id=step_id,
                         position={}, conversation_id=learner.external_id, started_at=now,
                         updated_at=now, completed_at=now if completed else None)
    s.add(row)
    s.flush()
    return row


def _answer(s, learner, step_id, correct, try_number=1, seconds=None, lesson_id="alpha"):
    """Flushed one at a time, so ids (which decide the first attempt) follow the calls' order."""
    s.add(QuizAttempt(learner_id=learner.id, lesson_id=lesson_id, step_id=step_id, answer="...",
                      correct=correct, try_number=try_number, hints_used=0, seconds=seconds))
    s.flush()


@pytest.fixture
def course(sessions):
    """Five learners in lesson alpha, nobody in beta:

    done      completed alpha; q1 wrong then right, q2 right (10 s)
    at_q2     active at q2; q1 right (7 s), q2 wrong (50 s); two trainings, one succeeded
    paused    paused at q2; answered nothing
    quitter   quit at q1; q1 wrong
    again     completed alpha, now taking it again (active at intro); run 1: q1 right (9 s),
              q2 right (30 s); run 2: q1 wrong on its first try
    """
    with sessions() as s:
        done, at_q2, paused, quitter, again = (_learner(s, name) for name in
                                               ("done", "at_q2", "paused", "quitter", "again"))
        _progress(s, done, "alpha", LessonStatus.completed, None, completed=True)
        _progress(s, at_q2, "alpha", LessonStatus.active, "q2")
        _progress(s, paused, "alpha", LessonStatus.paused, "q2")
        _progress(s, quitter, "alpha", LessonStatus.quit, "q1")
        _progress(s, again, "alpha", LessonStatus.active, "intro", completed=True)

        _answer(s, done, "q1", False, 1, seconds=5)
        _answer(s, done, "q1", True, 2, seconds=3)
        _answer(s, at_q2, "q1", True, 1, seconds=7)
        _answer(s, quitter, "q1", False, 1)
        _answer(s, again, "q1", True, 1, seconds=9)
        _answer(s, done, "q2", True, 1, seconds=10)
        _answer(s, again, "q2", True, 1, seconds=30)
        _answer(s, at_q2, "q2", False, 1, seconds=50)
        _answer(s, again, "q1", False, 1, seconds=2)  # second run of the lesson

        s.add_all([Job(learner=at_q2, conversation_id="at_q2", skill="hello_neuron", params={},
                       status=JobStatus.succeeded),
                   Job(learner=at_q2, conversation_id="at_q2", skill="vision", params={},
                       status=JobStatus.failed)])
        s.commit()
        ids = {name: learner.id for name, learner in
               zip(("done", "at_q2", "paused", "quitter", "again"), (done, at_q2, paused, quitter, again))}
    return sessions, ids


def test_funnel_counts_each_learner_once_with_completion_first(course):
    sessions, _ = course
    with sessions() as s:
        alpha, _ = reports.funnel(s, COURSE)
    assert (alpha.lesson_id, alpha.title, alpha.steps) == ("alpha", "Alpha", 4)
    # "again" is active but completed it before: counted as completed, not in progress.
    assert (alpha.started, alpha.completed, alpha.in_progress, alpha.quit) == (5, 2, 2, 1)


def test_funnel_drop_off_lists_current_steps_of_learners_who_have_not_completed_in_step_order(course):
    sessions, _ = course
    with sessions() as s:
        alpha, _ = reports.funnel(s, COURSE)
    assert [(d.step_id, d.step_number, d.type, d.learners) for d in alpha.drop_off] == [
        ("q1", 2, "ask", 1), ("q2", 3, "ask", 2)]
    assert alpha.top_drop_off_step == "q2"


def test_funnel_lists_lessons_nobody_started_in_course_order(course):
    sessions, _ = course
    with sessions() as s:
        report = reports.funnel(s, [BETA, ALPHA])
    assert [item.lesson_id for item in report] == ["beta", "alpha"]
    beta = report[0]
    assert (beta.started, beta.completed, beta.in_progress, beta.quit) == (0, 0, 0, 0)
    assert beta.drop_off == [] and beta.top_drop_off_step is None


def test_funnel_drop_off_keeps_a_step_removed_from_the_lesson_last_without_a_type(sessions):
    with sessions() as s:
        _progress(s, _learner(s, "old"), "alpha", LessonStatus.paused, "removed-step")
        _progress(s, _learner(s, "new"), "alpha", LessonStatus.active, "outro")
        s.commit()
        alpha, _ = reports.funnel(s, COURSE)
    assert [(d.step_id, d.step_number, d.type) for d in alpha.drop_off] == [
        ("outro", 4, "say"), ("removed-step", None, None)]
    assert alpha.top_drop_off_step == "outro"  # a tie goes to the earlier step


def test_question_difficulty_counts_only_each_learners_first_ever_attempt(course):
    sessions, _ = course
    with sessions() as s:
        report = {q.step_id: q for q in reports.question_difficulty(s, COURSE)}
    q1 = report["q1"]
    # done: wrong then right (not first try); at_q2: right; quitter: wrong; again: right in run 1,
    # and its wrong first try in run 2 does not replace that.
    assert q1.learners == 4
    assert q1.first_try_correct_pct == pytest.approx(50.0)
    assert q1.mean_attempts == pytest.approx(6 / 4)
    assert q1.median_seconds == pytest.approx(7)  # first attempts: 5, 7, 9 (quitter untimed)
    assert q1.question == "Which is b?" and q1.lesson_title == "Alpha"
    assert report["q2"].first_try_correct_pct == pytest.approx(66.7)  # 2 of 3, one decimal
    assert report["q2"].median_seconds == pytest.approx(30)


def test_question_difficulty_sorts_hardest_first_and_unanswered_last(course):
    sessions, _ = course
    with sessions() as s:
        report = reports.question_difficulty(s, COURSE)
    assert [(q.lesson_id, q.step_id) for q in report] == [("alpha", "q1"), ("alpha", "q2"), ("beta", "bq")]
    unanswered = report[-1]
    assert unanswered.learners == 0
    assert unanswered.first_try_correct_pct is None and unanswered.mean_attempts is None
    assert unanswered.median_seconds is None


def test_learner_summary_of_a_learner_in_the_middle_of_a_lesson(course):
    sessions, ids = course
    with sessions() as s:
        summary = reports.learner_summary(s, ids["at_q2"], COURSE)
    alpha, beta = summary.lessons
    assert (alpha.status, alpha.ever_completed, alpha.step_number, alpha.steps) == ("active", False, 3, 4)
    assert alpha.done == pytest.approx(0.5)  # intro and q1 behind them, at q2 of 4 steps
    assert (alpha.questions, alpha.answered, alpha.first_try_correct, alpha.attempts) == (2, 2, 1, 2)
    assert alpha.first_try_pct == pytest.approx(50.0)
    assert (beta.status, beta.done, beta.step_number, beta.first_try_pct) == ("not started", 0.0, None, None)
    assert (summary.started, summary.completed, summary.answered, summary.first_try_correct) == (1, 0, 2, 1)
    assert (summary.trainings, summary.trainings_succeeded, summary.attempts) == (2, 1, 2)


def test_learner_summary_counts_a_completed_lesson_taken_again_as_completed_with_the_new_run_shown(course):
    sessions, ids = course
    with sessions() as s:
        again = reports.learner_summary(s, ids["again"], COURSE)
        done = reports.learner_summary(s, ids["done"], COURSE)
    alpha = again.lessons[0]
    assert (alpha.status, alpha.ever_completed, alpha.step_number) == ("active (finished before)", True, 1)
    assert alpha.done == 0.0  # the new run is at its first step
    assert (alpha.answered, alpha.first_try_correct, alpha.attempts) == (2, 2, 3)
    assert again.completed == 1 and again.first_try_pct == pytest.approx(100.0)
    assert (again.trainings, again.trainings_succeeded) == (0, 0)
    finished = done.lessons[0]
    assert (finished.status, finished.done, finished.step_number, finished.ever_completed) == (
        "completed", 1.0, None, True)
    assert done.completed == 1 and done.first_try_pct == pytest.approx(50.0)  # q1 wrong first, q2 right


def test_learner_summary_of_a_learner_with_no_lessons(course, sessions):
    with sessions() as s:
        nobody = _learner(s, "nobody")
        summary = reports.learner_summary(s, nobody.id, COURSE)
    assert [item.status for item in summary.lessons] == ["not started", "not started"]
    assert (summary.started, summary.completed, summary.answered, summary.first_try_pct) == (0, 0, 0, None)


def test_learners_progress_lists_learners_with_progress_newest_first_with_lessons_trainings_and_quiz_counts(course):
    sessions, _ = course
    with sessions() as s:
        _learner(s, "talker")  # only chatted: no lesson, no training, so not listed
        extra = _learner(s, "x")  # in a lesson that left the library, and in alpha
        _progress(s, extra, "gone", LessonStatus.paused, "somewhere")
        _progress(s, extra, "alpha", LessonStatus.active, "q1")
        s.commit()
        listed = reports.learners_progress(s, COURSE, limit=10, offset=0)
    assert [item.external_id for item in listed] == ["x", "again", "quitter", "paused", "at_q2", "done"]
    by_name = {item.external_id: item for item in listed}
    at_q2 = by_name["at_q2"]
    assert at_q2.trainings == 2 and at_q2.channel == "socketio" and len(at_q2.public_id) == 32
    (state,) = at_q2.lessons
    assert (state.lesson_id, state.title, state.status, state.step_id) == ("alpha", "Alpha", "active", "q2")
    assert (state.step_number, state.total_steps, state.quiz_attempts, state.first_try_correct) == (3, 4, 2, 1)
    assert by_name["again"].lessons[0].first_try_correct == 2 and by_name["again"].lessons[0].quiz_attempts == 3
    done = by_name["done"].lessons[0]
    assert done.step_number is None and done.completed_at is not None and done.first_try_correct == 1
    assert [(lesson.lesson_id, lesson.title, lesson.step_number) for lesson in by_name["x"].lessons] == [
        ("alpha", "Alpha", 2), ("gone", None, None)]
    assert by_name["paused"].trainings == 0


def test_learners_progress_pages_with_limit_and_offset(course):
    sessions, ids = course
    with sessions() as s:
        page = reports.learners_progress(s, COURSE, limit=2, offset=1)
        past_the_end = reports.learners_progress(s, COURSE, limit=2, offset=10)
    assert [item.id for item in page] == [ids["quitter"], ids["paused"]]
    assert past_the_end == []


def test_reports_treat_timestamps_as_given(sessions):
    """A row's dates come back unchanged (staff see when a learner started and finished)."""
    with sessions() as s:
        learner = _learner(s, "t")
        row = _progress(s, learner, "alpha", LessonStatus.completed, None, completed=True)
        row.started_at = row.completed_at - timedelta(minutes=12)
        s.commit()
        (state,) = reports.learners_progress(s, COURSE)[0].lessons
    assert state.completed_at - state.started_at == timedelta(minutes=12)
