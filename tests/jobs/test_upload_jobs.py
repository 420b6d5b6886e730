"""Jobs that train on a learner's upload, through the real worker, sandbox and database: the
worker hands the skill only the job's own learner's uploads folder (jobs/service.resolve_uploads),
so the same params naming another learner's upload fail with a plain answer (D35); and a job
queued by action_train_on_upload from a stored upload trains on it end to end."""

import json

import numpy as np
import pytest

from db import repository as repo
from db.models import JobStatus
from jobs.notify import RasaNotifier
from jobs.worker import Worker
from tests.actions import conftest as action_fixtures
from uploads import contract

action_db, dispatcher = action_fixtures.action_db, action_fixtures.dispatcher  # the action tests' fixtures


@pytest.fixture
def worker(make_settings, rasa):
    from db.migrate import upgrade

    settings = make_settings()
    upgrade(settings.db_url)
    made = Worker(settings, RasaNotifier(rasa.url), worker_id="upload-worker")
    yield made
    made.sandbox.close()


def _learner_with_series(worker, conversation):
    """A learner and a 300-value series in their uploads folder, as the intake writes it."""
    with worker.sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", conversation)
        s.commit()
        folder = contract.upload_dir(worker.settings.var_dir, learner.public_id, "a" * 32)
    folder.mkdir(parents=True)
    values = 10 + 5 * np.sin(np.arange(300) / 4)
    (folder / contract.SERIES_FILE).write_text("value\n" + "".join(f"{v:.5f}\n" for v in values))
    (folder / contract.META_FILE).write_text(json.dumps(
        {"column": "sales", "rows": 300, "gaps": 0, "index_column": None}))
    return folder


def _queue(worker, conversation, params):
    with worker.sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", conversation)
        job = repo.create_job(s, learner, conversation, "timeseries", params)
        s.commit()
        return job.id


@pytest.mark.slow
def test_worker_trains_on_the_learners_own_upload_and_refuses_another_learners(worker):
    own = _learner_with_series(worker, "conv-owner")
    params = {"upload_dir": str(own), "models": ["dense"], "epochs": 1}
    mine = _queue(worker, "conv-owner", params)
    theirs = _queue(worker, "conv-other", params)  # the same folder, asked by someone else
    assert worker.run_once() and worker.run_once()

    with worker.sessions() as s:
        done, refused = repo.get_job(s, mine), repo.get_job(s, theirs)
        assert done.status is JobStatus.succeeded, done.error_detail
        assert "Your series has only 300 values" in done.result["summary"]
        assert done.params == params  # no folder but the learner's own path is ever stored
        assert refused.status is JobStatus.failed
        assert refused.error == "I can only train on your own uploads, and that folder is not one of them."


@pytest.mark.slow
def test_a_job_queued_by_train_on_upload_runs_the_skill_on_that_upload(action_db, dispatcher, settings, rasa):
    """The whole path but chat: the intake stores a ZIP, action_train_on_upload queues vision on
    its folder, the worker trains it, and the result names the learner's classes."""
    from actions.train_on_upload import ActionTrainOnUpload
    from api.routes.uploads import save
    from tests.actions.conftest import only_job, tracker_for
    from tests.uploads import files

    sender = "learner-with-pets"
    upload_id = save(action_db, settings, "socketio", sender, "pets.zip",
                     files.images_zip({"cats": 24, "birds": 10}))["upload"]
    ActionTrainOnUpload().run(dispatcher, tracker_for(
        f'/train_on_upload{{"upload": "{upload_id}"}}', sender=sender, intent="train_on_upload",
        entities=[{"entity": "upload", "value": upload_id}]), {})
    with action_db() as s:  # the queued defaults, but 2 epochs instead of 15 to keep the test short
        job = only_job(s)
        assert job.params["upload_dir"].endswith(upload_id) and job.params["epochs"] == 15
        job.params = {**job.params, "epochs": 2}
        s.commit()
    worker = Worker(settings, RasaNotifier(rasa.url), worker_id="upload-worker")
    try:
        assert worker.run_once()
    finally:
        worker.sandbox.close()
    with action_db() as s:
        job = only_job(s)
        assert job.skill == "vision" and job.status is JobStatus.succeeded, job.error_detail
        assert sorted(job.result["class_names"]) == ["birds", "cats"] and job.result["metrics"]["epochs"] == 2
        assert "Your data: birds has only 10 images" in job.result["summary"]
