"""A lesson's run steps as jobs (curriculum.trainings), against a real (SQLite) database."""

import pytest

from curriculum import engine, trainings
from curriculum.engine import Position
from curriculum.model import Lesson
from db import progress as store
from db import repository as repo
from db.models import JobStatus
from tutor.payloads import JobCard

LESSON = Lesson.model_validate({"id": "runs", "title": "Runs", "chapters": [1], "minutes": 5, "steps": [
    {"id": "train", "type": "run", "skill": "hello_neuron", "params": {"epochs": 20}, "text": "Training."},
    {"id": "after", "type": "say", "text": "Done."}]})
RUN = {"skill": "hello_neuron", "params": {"epochs": 20}, "choose": {}}


@pytest.fixture
def waiting(sqlite_sessions):
    """A learner at the run step, its training queued."""
    session = sqlite_sessions()
    learner = repo.get_or_create_learner(session, "socketio", "learner-1")
    row, _ = store.open_lesson(session, learner, "runs", "conv-1")
    message = trainings.queue(session, learner, row, RUN)
    yield session, row, message
    session.close()


def test_queue_stores_a_validated_job_the_row_waits_for_and_announces_it_with_a_job_card(waiting):
    session, row, message = waiting
    job = repo.get_job(session, row.job_id)
    assert job.params["epochs"] == 20 and job.status is JobStatus.queued
    assert message.data == JobCard(job_id=job.id, skill="hello_neuron") and f"Job #{job.id} is queued" in message.text


def test_a_running_training_holds_every_move_but_skip(waiting):
    session, row, _ = waiting
    position = Position("runs", "train")
    assert trainings.unless_running(session, row, LESSON, position, engine.present) is None
    assert row.job_id is not None
    turns = trainings.unless_running(session, row, LESSON, position, engine.skip)
    assert row.job_id is None and [t.text for t in turns] == ["Done."]


def test_a_training_that_finished_unwatched_counts_when_the_learner_comes_back(waiting):
    session, row, _ = waiting
    job = repo.get_job(session, row.job_id)
    repo.set_status(session, job, JobStatus.running)
    repo.set_status(session, job, JobStatus.succeeded, result={"metrics": {"final_loss": 0.01}})
    position = Position("runs", "train")
    turns = trainings.unless_running(session, row, LESSON, position, engine.present)
    assert [t.text for t in turns] == ["Done."] and position.metrics == {"hello_neuron": {"final_loss": 0.01}}
    assert row.job_id is None
