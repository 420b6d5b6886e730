"""The jobs service: one validated path from chat and lessons to the queue."""

import pytest
from pydantic import ValidationError

from db import repository as repo
from db.models import JobStatus
from jobs import service
from skills import sentiment


def _learner(s, name="learner-1"):
    return repo.get_or_create_learner(s, "socketio", name)


def _succeeded(s, learner, skill):
    job = repo.create_job(s, learner, learner.external_id, skill, {})
    s.flush()
    job.status = JobStatus.succeeded
    s.flush()
    return job


def test_enqueue_stores_the_validated_params_with_their_defaults(sqlite_sessions):
    with sqlite_sessions() as s:
        job = service.enqueue(s, _learner(s), "conv-1", "hello_neuron", {"epochs": 50})
        assert job.status is JobStatus.queued
        assert job.params["epochs"] == 50 and job.params["learning_rate"] == 0.01


def test_enqueue_refuses_out_of_bounds_params_and_stores_nothing(sqlite_sessions):
    with sqlite_sessions() as s:
        with pytest.raises(ValidationError):
            service.enqueue(s, _learner(s), "conv-1", "hello_neuron", {"epochs": 10_000_000})
        assert repo.count_jobs(s) == 0


def test_job_card_is_the_queued_payload(sqlite_sessions):
    with sqlite_sessions() as s:
        job = service.enqueue(s, _learner(s), "conv-1", "vision", {})
        card = service.job_card(job)
        assert card.model_dump() == {"type": "job", "job_id": job.id, "skill": "vision", "status": "queued"}


def test_source_run_is_the_newest_trained_model_of_the_asked_skill(sqlite_sessions):
    with sqlite_sessions() as s:
        learner = _learner(s)
        vision = _succeeded(s, learner, "vision")
        newest = _succeeded(s, learner, "sentiment")
        _succeeded(s, learner, "tokenize")  # leaves no model
        assert service.source_run(s, learner) is newest
        assert service.source_run(s, learner, skills=["vision"]) is vision
        assert service.source_run(s, learner, skills=["textgen"]) is None


def test_source_run_refuses_another_learners_job(sqlite_sessions):
    with sqlite_sessions() as s:
        theirs = _succeeded(s, _learner(s, "someone-else"), "vision")
        with pytest.raises(service.NotYourJob):
            service.source_run(s, _learner(s), theirs.id)


def test_resolve_source_gives_a_job_only_its_own_learners_run(sqlite_sessions, tmp_path):
    with sqlite_sessions() as s:
        mine, other = _learner(s), _learner(s, "someone-else")
        own_model, their_model = _succeeded(s, mine, "sentiment"), _succeeded(s, other, "sentiment")
        job = service.enqueue(s, mine, "conv-1", "sentiment_classify",
                              {"source_job_id": own_model.id, "text": "good"})
        for source, expected in ((own_model, tmp_path / own_model.public_id), (their_model, None)):
            params = sentiment.ClassifyParams(source_job_id=source.id, text="good")
            service.resolve_source(s, job, params, lambda public_id: tmp_path / public_id)
            assert params.model_dir == expected
