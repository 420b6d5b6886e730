"""The retry button under a failed run queues the same skill with the fix its error names."""

from actions.retry_job import ActionRetryJob
from db import repository as repo
from db.models import JobStatus
from tests.actions.conftest import texts, tracker_for

BLEW_UP = ("The loss blew up to infinity by epoch 3: learning rate 1 is too big for this data. "
           "Try a smaller one, such as 0.01.")


RULE = {"weight": 3.0, "bias": 1.0}


def _failed(sessions, sender="learner-1", error=BLEW_UP):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", sender)
        job = repo.create_job(s, learner, sender, "hello_neuron",
                              {"epochs": 300, "learning_rate": 1.0, "rule": RULE})
        s.commit()
        repo.claim_next_job(s, "w")
        repo.set_status(s, repo.get_job(s, job.id), JobStatus.failed, error=error)
        s.commit()
        return job.id


def _click(job_id, sender="learner-1"):
    return tracker_for(f'/retry_job{{"failed_job": "{job_id}"}}', sender=sender, intent="retry_job",
                       entities=[{"entity": "failed_job", "value": str(job_id)}])


def _newest(sessions):
    with sessions() as s:
        return max(repo.active_jobs(s, repo.get_or_create_learner(s, "socketio", "learner-1")), key=lambda j: j.id)


def test_retry_button_queues_the_same_skill_with_only_the_suggested_learning_rate_changed(action_db, dispatcher):
    failed = _failed(action_db)
    ActionRetryJob().run(dispatcher, _click(failed), {})
    job = _newest(action_db)
    assert job.id != failed and job.skill == "hello_neuron"
    assert job.params["learning_rate"] == 0.01 and job.params["epochs"] == 300 and job.params["rule"] == RULE
    assert f"from job #{failed} with learning rate 0.01" in texts(dispatcher)


def test_retry_button_for_another_learners_job_starts_nothing(action_db, dispatcher):
    failed = _failed(action_db, sender="someone-else")
    ActionRetryJob().run(dispatcher, _click(failed), {})
    assert "can't find a failed training of yours" in texts(dispatcher)
    with action_db() as s:
        assert repo.active_jobs(s, repo.get_or_create_learner(s, "socketio", "learner-1")) == []


def test_retry_of_a_failure_without_a_suggested_fix_starts_nothing(action_db, dispatcher):
    failed = _failed(action_db, error="It broke.")
    ActionRetryJob().run(dispatcher, _click(failed), {})
    assert "can't find a failed training of yours" in texts(dispatcher)
