"""Fair use (issue 14, section 3): one learner can neither fill the queue nor make others wait.

Before: any number of queued jobs per learner, no hourly limit, and the worker took the oldest
job first, so a learner's backlog delayed everyone queued after it by the whole backlog."""

from datetime import timedelta

from actions.train_neuron import ActionTrainNeuron
from db import repository as repo
from db.models import JobStatus, utcnow
from jobs import policy, service
from jobs.policy import FairUse
from tests.actions import conftest as chat
from tests.actions.conftest import texts, tracker_for

action_db, dispatcher = chat.action_db, chat.dispatcher  # the action tests' fixtures


def _learner(s, name):
    return repo.get_or_create_learner(s, "socketio", name)


def test_a_learner_with_two_jobs_waiting_is_told_when_they_can_train_again(action_db, dispatcher):
    for _ in range(2):
        ActionTrainNeuron().run(dispatcher, tracker_for("train a neuron"), {})
    dispatcher.messages.clear()
    ActionTrainNeuron().run(dispatcher, tracker_for("train a neuron"), {})
    said = texts(dispatcher)
    assert "2 at a time is the limit" in said and "as soon as one of them finishes" in said
    assert "Traceback" not in said and not any(m.get("custom") for m in dispatcher.messages)
    with action_db() as s:
        assert repo.count_jobs(s) == 2  # the third was refused, not queued
    # another learner is not affected
    dispatcher.messages.clear()
    ActionTrainNeuron().run(dispatcher, tracker_for("train a neuron", sender="learner-2"), {})
    assert "On it! Job #" in texts(dispatcher)


def test_a_learner_over_the_hourly_limit_is_told_in_how_many_minutes(sqlite_sessions):
    limits = FairUse(max_active=2, max_per_hour=3)
    with sqlite_sessions() as s:
        learner = _learner(s, "busy")
        for minutes_ago in (50, 20, 10):
            job = service.enqueue(s, learner, "busy", "hello_neuron", {}, limits)
            repo.set_status(s, job, JobStatus.cancelled)
            job.created_at = utcnow() - timedelta(minutes=minutes_ago)
        s.flush()
        try:
            service.enqueue(s, learner, "busy", "hello_neuron", {}, limits)
        except service.FairUseRefused as refusal:
            message = str(refusal)
        else:
            raise AssertionError("the fourth job in an hour was queued")
    assert "3 an hour is the limit" in message
    assert "in 10 minutes" in message  # the job of 50 minutes ago leaves the window then


def test_one_learners_backlog_delays_another_learners_first_job_by_one_job_at_most(sqlite_sessions):
    roomy = FairUse(max_active=10, max_per_hour=100)
    with sqlite_sessions() as s:
        hog, newcomer = _learner(s, "hog"), _learner(s, "newcomer")
        backlog = [service.enqueue(s, hog, "hog", "hello_neuron", {}, roomy).id for _ in range(5)]
        first = service.enqueue(s, newcomer, "newcomer", "hello_neuron", {}, roomy).id
        s.commit()
        order = []
        while (job := repo.claim_next_job(s, "w", policy.pick_next)) is not None:
            order.append(job.id)
            repo.set_status(s, job, JobStatus.succeeded)
            s.commit()
    assert order.index(first) <= 1, order
    assert sorted(order) == sorted([*backlog, first])  # and nothing is skipped
