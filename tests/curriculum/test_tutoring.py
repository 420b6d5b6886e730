"""Lesson turns against a real (SQLite) database: progress and quiz attempts are stored, run
steps queue real jobs, finished jobs move the lesson on, and edited lesson files apply at once."""

import os
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest

from curriculum import LESSONS_DIR, positions
from curriculum.engine import Position
from curriculum.library import LessonLibrary
from curriculum.tutoring import Tutoring
from db import repository as repo
from db.models import JobStatus, LessonProgress, LessonStatus, QuizAttempt, utcnow
from jobs import service
from skills import registry
from tutor.payloads import JobCard, LessonState

TINY = """
id: tiny
title: Tiny lesson
chapters: [1]
minutes: 5
steps:
  - {id: hello, type: say, text: "Welcome to tiny."}
  - id: q1
    type: ask
    kind: choice
    question: "What does a neuron learn?"
    retries: 1
    hints: ["Think of y = wx + b."]
    options:
      - {id: a, text: "A weight and a bias", correct: true, feedback: "Yes!"}
      - {id: b, text: "A colour", feedback: "No colours here."}
  - id: train
    type: run
    skill: hello_neuron
    params: {learning_rate: 0.01}
    choose:
      epochs: {prompt: "How many epochs? 10 to 100.", min: 10, max: 100, default: 50}
    text: "Training now."
  - id: good-enough
    type: checkpoint
    condition: {metric: final_loss, skill: hello_neuron, op: "<=", value: 0.1}
    fail_text: "The loss is still high: train again."
    retry_step: train
  - {id: q2, type: ask, kind: short, question: "w for y = 2x - 1?", accept: ["2"], retries: 0}
"""
SECOND = """
id: second
title: Time series forecasting
chapters: [9]
minutes: 5
prerequisites: [tiny]
steps:
  - {id: only, type: say, text: "Forecasts."}
"""


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def folder(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-tiny.yml").write_text(TINY)
    (lessons / "02-second.yml").write_text(SECOND)
    return lessons


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def tutoring(folder, clock):
    return Tutoring(LessonLibrary(folder), "http://tutor.test", clock=clock)


@pytest.fixture
def learner(sqlite_sessions):
    def _session_and_learner(name="learner-1"):
        session = sqlite_sessions()
        return session, repo.get_or_create_learner(session, "socketio", name)
    return _session_and_learner


def texts(reply) -> str:
    return " ".join(m.text or "" for m in reply.messages)


def test_tutoring_start_by_number_says_the_first_step_and_stores_an_active_row(tutoring, learner):
    session, me = learner()
    reply = tutoring.start(session, me, "conv-1", "start lesson 1")
    assert "Let's start **Tiny lesson**" in texts(reply) and "Welcome to tiny." in texts(reply)
    assert any(b.action == "next" for m in reply.messages for b in m.buttons)
    row = session.query(LessonProgress).one()
    assert row.status is LessonStatus.active and row.step_id == "hello" and not reply.asking


def test_tutoring_wrong_answer_then_right_stores_both_attempts_with_time_taken(tutoring, learner, clock):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    question = tutoring.next(session, me)
    assert question.asking and "What does a neuron learn?" in texts(question)
    assert {(b.action, b.value) for m in question.messages for b in m.buttons} >= {("answer", "a"), ("answer", "b")}
    clock.now += timedelta(seconds=12)
    wrong = tutoring.answer(session, me, "b")
    assert "No colours here." in texts(wrong) and wrong.asking
    clock.now += timedelta(seconds=3)
    right = tutoring.answer(session, me, "A weight and a bias")
    assert "Yes!" in texts(right) and "How many epochs? 10 to 100." in texts(right)
    attempts = session.query(QuizAttempt).order_by(QuizAttempt.id).all()
    assert [(a.step_id, a.correct, a.try_number) for a in attempts] == [("q1", False, 1), ("q1", True, 2)]
    assert attempts[0].seconds == pytest.approx(12) and attempts[1].seconds == pytest.approx(3)
    assert attempts[1].hints_used == 1  # the wrong answer came with the lesson's hint


def test_tutoring_unmatched_reply_to_a_choice_question_does_not_use_up_a_try(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    reply = tutoring.answer(session, me, "purple elephants")
    assert "couldn't match" in texts(reply) and reply.asking
    assert session.query(QuizAttempt).count() == 0


def _to_the_run(tutoring, session, me):
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    return tutoring.answer(session, me, "a")


def test_tutoring_run_step_bounds_the_pick_then_queues_a_real_job_with_the_lesson_params(tutoring, learner):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    refused = tutoring.answer(session, me, "5000 epochs")
    assert "pick a number from 10 to 100" in texts(refused) and refused.asking
    queued = tutoring.answer(session, me, "let's do 40")
    job = repo.active_jobs(session, me)[0]
    # Queued by jobs.service.enqueue, which stores the skill's validated params, defaults included.
    defaults = registry.get("hello_neuron").params().model_dump(mode="json")
    assert job.skill == "hello_neuron" and job.params == {**defaults, "learning_rate": 0.01, "epochs": 40}
    assert f"Job #{job.id} is queued" in texts(queued) and not queued.asking
    assert JobCard(job_id=job.id, skill="hello_neuron") in [m.data for m in queued.messages]
    assert session.query(LessonProgress).one().job_id == job.id
    again = tutoring.repeat(session, me)
    assert "still going" in texts(again) and len(repo.active_jobs(session, me)) == 1


def test_tutoring_a_training_the_skill_refuses_is_not_queued_and_skip_moves_on(tutoring, learner, monkeypatch):
    session, me = learner()
    _to_the_run(tutoring, session, me)

    def refuse(session, learner, conversation_id, skill, params):
        return registry.get(skill).params.model_validate({**params, "epochs": 10_000_000})
    monkeypatch.setattr(service, "enqueue", refuse)
    refused = tutoring.answer(session, me, "20")
    assert "can't start" in texts(refused) and repo.active_jobs(session, me) == []
    assert session.query(LessonProgress).one().job_id is None
    assert "w for y = 2x - 1?" in texts(tutoring.skip(session, me))


def test_tutoring_every_turn_ends_with_the_lesson_state_payload(tutoring, learner):
    session, me = learner()
    reply = tutoring.start(session, me, "conv-1", "start lesson 1")
    assert reply.messages[-1].data == LessonState(lesson_id="tiny", title="Tiny lesson", step=1, steps=5)


def _finish(session, job, status, metrics=None):
    repo.set_status(session, job, JobStatus.running)
    repo.set_status(session, job, status, result={"metrics": metrics or {}} if metrics else None,
                    error=None if metrics else "it crashed")


def test_tutoring_a_finished_job_moves_the_lesson_through_its_checkpoint(tutoring, learner):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    tutoring.answer(session, me, "you pick")
    job = repo.active_jobs(session, me)[0]
    assert job.params["epochs"] == 50
    _finish(session, job, JobStatus.succeeded, {"final_loss": 0.5})
    back = tutoring.job_finished(session, job)
    assert "still high" in texts(back) and "How many epochs?" in texts(back) and back.asking
    tutoring.answer(session, me, "100")
    job = repo.active_jobs(session, me)[0]
    _finish(session, job, JobStatus.succeeded, {"final_loss": 0.01})
    on = tutoring.job_finished(session, job)
    assert "w for y = 2x - 1?" in texts(on) and on.asking
    assert tutoring.job_finished(session, job) is None  # a repeated push changes nothing
    end = tutoring.answer(session, me, "2")
    row = session.query(LessonProgress).one()
    assert "end of **Tiny lesson**" in texts(end)
    assert row.status is LessonStatus.completed and row.completed_at is not None
    where = texts(tutoring.where(session, me))  # "where did I leave off?" after the end: the course so far
    assert "You finished **Tiny lesson** last" in where and "You've completed 1 of" in where


def test_tutoring_a_failed_job_keeps_the_learner_at_the_run_and_repeat_runs_it_again(tutoring, learner):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    tutoring.answer(session, me, "20")
    job = repo.active_jobs(session, me)[0]
    _finish(session, job, JobStatus.failed)
    failed = tutoring.job_finished(session, job)
    assert "didn't finish" in texts(failed) and "repeat" in texts(failed)
    again = tutoring.repeat(session, me)
    (second,) = repo.active_jobs(session, me)
    assert second.id != job.id and second.params["epochs"] == 20 and "queued" in texts(again)


def test_tutoring_free_question_is_answered_then_the_question_is_asked_again(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    faq = SimpleNamespace(entry="overfitting")
    reply, found = tutoring.free_question(session, me, "what is overfitting?", lambda text: faq)
    assert found is faq and "Back to the lesson" in texts(reply) and "What does a neuron" in texts(reply)
    assert session.query(QuizAttempt).count() == 0
    assert tutoring.free_question(session, me, "a", lambda text: faq) is None  # an option is an answer
    typed = tutoring.answer(session, me, "a")
    assert "Yes!" in texts(typed)


def test_tutoring_free_question_is_none_when_the_faq_brain_does_not_know_or_no_question_is_open(
        tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    assert tutoring.free_question(session, me, "what is overfitting?", lambda text: "known") is None  # a say step
    tutoring.next(session, me)
    assert tutoring.free_question(session, me, "what is overfitting?", lambda text: None) is None
    assert tutoring.free_question(session, me, "overfitting", lambda text: "known") is None  # not a question


def test_tutoring_a_message_naming_no_option_of_a_choice_question_may_be_a_command(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    assert not tutoring.may_be_command(session, me, "show my models")  # no question open
    tutoring.next(session, me)
    assert tutoring.may_be_command(session, me, "show my models") and tutoring.asking(session, me)
    assert not tutoring.may_be_command(session, me, "b") and not tutoring.may_be_command(session, me, "A colour")


def test_tutoring_only_a_wordy_non_answer_to_a_short_question_may_be_a_command(tutoring, learner):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    assert not tutoring.may_be_command(session, me, "show my models")  # a run's pick: any text is a pick
    tutoring.skip(session, me)
    assert tutoring.asking(session, me)  # q2, a short question
    assert tutoring.may_be_command(session, me, "show my models")
    assert not tutoring.may_be_command(session, me, "2") and not tutoring.may_be_command(session, me, "help")


def test_tutoring_quit_then_where_then_start_resumes_at_the_same_step(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    quit_reply = tutoring.quit(session, me)
    assert "step 2 of 5" in texts(quit_reply) and "start lesson 1" in texts(quit_reply)
    assert "You were in **Tiny lesson**, at step 2 of 5" in texts(tutoring.where(session, me))
    assert "You've completed 0 of" in texts(tutoring.where(session, me))  # "where did I leave off?": the course too
    assert "You're not in a lesson" in texts(tutoring.next(session, me))
    back = tutoring.start(session, me, "conv-1", "resume the tiny lesson")
    assert "Welcome back" in texts(back) and "What does a neuron learn?" in texts(back)


def test_tutoring_quit_ends_with_a_finished_lesson_state_so_the_widget_chip_leaves(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    states = [m.data for m in tutoring.quit(session, me).messages if m.data is not None]
    assert len(states) == 1 and states[0].type == "lesson" and states[0].finished, states
    assert states[0].step == 1 and states[0].steps == 5


def test_tutoring_list_shows_status_and_missing_prerequisites_are_named(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    listing = texts(tutoring.list_lessons(session, me))
    assert "1. **Tiny lesson**" in listing and "you're here, step 1 of 5" in listing
    second = tutoring.start(session, me, "conv-1", "let's do time series")
    assert "builds on **Tiny lesson**" in texts(second) and "Forecasts." in texts(second)
    rows = {r.lesson_id: r.status for r in session.query(LessonProgress)}
    assert rows == {"tiny": LessonStatus.paused, "second": LessonStatus.active}


def test_tutoring_an_edited_lesson_file_changes_the_next_turn_without_a_restart(tutoring, learner, folder):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    edited = TINY.replace("Welcome to tiny.", "Welcome, edited.").replace("id: q1", "id: q-new") \
        .replace('"on": q1', '"on": q-new')
    path = folder / "01-tiny.yml"
    path.write_text(edited)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert "Welcome, edited." in texts(tutoring.repeat(session, me))
    question = tutoring.next(session, me)
    assert question.asking
    assert session.query(LessonProgress).one().step_id == "q-new"


def test_tutoring_a_broken_edit_keeps_the_last_good_version(tutoring, learner, folder):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    (folder / "01-tiny.yml").write_text(TINY.replace("type: run", "type: sprint"))
    assert "Welcome to tiny." in texts(tutoring.repeat(session, me))


def test_tutoring_a_learner_whose_step_was_removed_starts_the_lesson_again_and_is_told(tutoring, learner, folder):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    path = folder / "01-tiny.yml"
    path.write_text(TINY.replace("id: q1", "id: q-renamed").replace('"on": q1', '"on": q-renamed'))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    reply = tutoring.hint(session, me)
    assert "changed by the course staff" in texts(reply) and "Welcome to tiny." in texts(reply)


def test_tutoring_progress_summarises_lessons_quiz_score_and_links_the_chart(tutoring, learner):
    session, me = learner()
    assert "haven't started a lesson" in texts(tutoring.progress(session, me))
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    tutoring.answer(session, me, "b")
    tutoring.answer(session, me, "a")
    reply = tutoring.progress(session, me)
    text = texts(reply)
    assert "completed 0 of 2 lessons" in text and "0 of 1 right on the first try (0%)" in text
    assert "**Tiny lesson**: active, step 3 of 5 (40%)" in text
    assert reply.messages[-1].image == f"http://tutor.test/progress/{me.public_id}/chart.png"


def test_tutoring_a_training_that_finished_while_the_lesson_was_paused_counts_on_resume(tutoring, learner):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    tutoring.answer(session, me, "20")
    job = repo.active_jobs(session, me)[0]
    tutoring.start(session, me, "conv-1", "start lesson 2")  # pauses the tiny lesson
    back = tutoring.start(session, me, "conv-1", "start lesson 1")
    assert "still going" in texts(back) and len(repo.active_jobs(session, me)) == 1
    tutoring.start(session, me, "conv-1", "start lesson 2")
    _finish(session, job, JobStatus.succeeded, {"final_loss": 0.01})
    assert tutoring.job_finished(session, job) is None  # the lesson is paused: the push skips it
    resumed = tutoring.start(session, me, "conv-1", "start lesson 1")
    assert "w for y = 2x - 1?" in texts(resumed) and repo.active_jobs(session, me) == []


def test_tutoring_skipping_a_running_training_moves_on_and_its_late_result_changes_nothing(tutoring, learner):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    tutoring.answer(session, me, "20")
    job = repo.active_jobs(session, me)[0]
    skipped = tutoring.skip(session, me)
    assert "w for y = 2x - 1?" in texts(skipped)
    _finish(session, job, JobStatus.succeeded, {"final_loss": 0.01})
    assert tutoring.job_finished(session, job) is None
    assert session.query(LessonProgress).filter_by(lesson_id="tiny").one().step_id == "q2"


# ---- issue 16 ------------------------------------------------------------------------------------

def test_tutoring_next_at_a_run_whose_training_never_started_starts_it_instead_of_waiting(
        tutoring, learner, monkeypatch):
    session, me = learner()
    _to_the_run(tutoring, session, me)
    real = service.enqueue

    def refuse(*args, **kwargs):
        raise service.FairUseRefused("You have too many trainings today.")
    monkeypatch.setattr(service, "enqueue", refuse)
    refused = tutoring.answer(session, me, "20")
    assert "too many trainings" in texts(refused) and session.query(LessonProgress).one().job_id is None
    monkeypatch.setattr(service, "enqueue", real)
    started = tutoring.next(session, me)
    (job,) = repo.active_jobs(session, me)
    assert "waiting" not in texts(started) and f"Job #{job.id} is queued" in texts(started)
    assert job.params["epochs"] == 20 and session.query(LessonProgress).one().job_id == job.id


def test_tutoring_the_same_typed_answer_twice_within_seconds_is_one_attempt(tutoring, learner, clock):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    tutoring.answer(session, me, "b")
    clock.now += timedelta(seconds=1)
    again = tutoring.answer(session, me, "b")
    assert "counted it once" in texts(again)
    clock.now += timedelta(seconds=20)
    tutoring.answer(session, me, "b")  # later, the learner really means it again: the last try
    assert [(a.try_number, a.correct) for a in session.query(QuizAttempt).order_by(QuizAttempt.id)] == [
        (1, False), (2, False)]


def test_tutoring_a_clicked_answer_twice_is_one_attempt(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    (button,) = [b for m in tutoring.next(session, me).messages for b in m.buttons if b.value == "b"]
    assert (button.step, button.attempt) == ("q1", 1)
    tutoring.answer(session, me, "b", button.step, button.attempt)
    tutoring.answer(session, me, "b", button.step, button.attempt)
    assert session.query(QuizAttempt).count() == 1


def test_tutoring_an_faq_answer_that_names_the_open_answer_is_held_back(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    telling = SimpleNamespace(entry=SimpleNamespace(answer="A neuron learns a weight and a bias."))
    reply, shown = tutoring.free_question(session, me, "what does a neuron learn?", lambda text: telling,
                                          lambda found: found.entry.answer)
    assert shown is None and "give this quiz away" in texts(reply) and "What does a neuron learn?" in texts(reply)
    harmless = SimpleNamespace(entry=SimpleNamespace(answer="Overfitting is memorising the training data."))
    _, shown = tutoring.free_question(session, me, "what is overfitting?", lambda text: harmless,
                                      lambda found: found.entry.answer)
    assert shown is harmless and session.query(QuizAttempt).count() == 0


def test_tutoring_show_me_the_answer_is_never_taken_for_a_command_or_a_free_question(tutoring, learner):
    session, me = learner()
    tutoring.start(session, me, "conv-1", "start lesson 1")
    tutoring.next(session, me)
    assert not tutoring.may_be_command(session, me, "show me the answer")
    assert tutoring.free_question(session, me, "what's the answer?", lambda text: "known") is None
    reply = tutoring.answer(session, me, "what's the answer?")
    assert "The answer is **A weight and a bias**" in texts(reply) and "How many epochs" in texts(reply)


SHIPPED_RUNS = [(lesson.id, run.id) for lesson in LessonLibrary(LESSONS_DIR).ordered() for run in lesson.runs]


@pytest.mark.parametrize(("lesson_id", "run_id"), SHIPPED_RUNS)
def test_tutoring_next_at_every_shipped_run_step_queues_its_training_with_the_button_defaults(
        learner, clock, lesson_id, run_id):
    tutoring = Tutoring(LessonLibrary(LESSONS_DIR), "http://tutor.test", clock=clock)
    session, me = learner()
    tutoring.start(session, me, "conv-1", "", lesson_id)
    row = session.query(LessonProgress).one()
    positions.save(session, row, Position(lesson_id, run_id), clock())
    run = tutoring.library.get(lesson_id).step(run_id)
    said = texts(tutoring.repeat(session, me))
    for _ in run.choose:
        said += texts(tutoring.next(session, me))
    (job,) = repo.active_jobs(session, me)
    assert "waiting" not in said and f"Job #{job.id} is queued" in said
    assert job.skill == run.skill and row.job_id == job.id
    assert {name: job.params[name] for name in run.choose} == {name: spec.default for name, spec in run.choose.items()}
    assert "still going" in texts(tutoring.next(session, me)) and len(repo.active_jobs(session, me)) == 1
