"""The widget's result acknowledgements and its "what am I owed?" call (api/routes/results.py)."""

import uuid

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from db import repository as repo
from db.models import Job, JobStatus
from jobs.notify import RESULT_INTENT

SESSION, OTHER = uuid.uuid4().hex, uuid.uuid4().hex


@pytest.fixture
def client(make_settings, rasa):
    settings = make_settings(rasa_server_url=rasa.url)
    from db.migrate import upgrade

    upgrade(settings.db_url)
    with TestClient(create_app(settings)) as c:
        yield c


def _finished(client, conversation, status=JobStatus.succeeded):
    with client.app.state.sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", conversation)
        job = repo.create_job(s, learner, conversation, "hello_neuron", {})
        s.flush()
        repo.claim_next_job(s, "w")
        repo.set_status(s, job, status)
        s.commit()
        return job.id, job.public_id


def _job(client, job_id) -> Job:
    with client.app.state.sessions() as s:
        return s.get(Job, job_id)


def test_owed_pushes_every_unseen_result_of_the_session_now_and_only_its_own(client, rasa):
    mine, _ = _finished(client, SESSION)
    failed, _ = _finished(client, SESSION, JobStatus.failed)
    _finished(client, OTHER)
    r = client.post("/chat/results/owed", json={"session_id": SESSION})
    assert r.status_code == 200 and r.json() == {"pushed": [mine, failed]}
    assert [(c["conversation"], c["name"], c["entities"]["job_id"]) for c in rasa.calls] == [
        (SESSION, RESULT_INTENT, mine), (SESSION, RESULT_INTENT, failed)]
    assert _job(client, mine).push_attempts == 1 and _job(client, mine).shown_at is None


def test_shown_acknowledges_the_sessions_results_and_they_are_never_pushed_again(client, rasa):
    job_id, receipt = _finished(client, SESSION)
    r = client.post("/chat/results/shown", json={"session_id": SESSION, "receipts": [receipt]})
    assert r.json() == {"shown": [job_id]} and _job(client, job_id).shown_at is not None
    assert client.post("/chat/results/owed", json={"session_id": SESSION}).json() == {"pushed": []}
    assert rasa.calls == []


def test_shown_ignores_a_receipt_from_another_sessions_shared_download_link(client):
    job_id, receipt = _finished(client, OTHER)
    r = client.post("/chat/results/shown", json={"session_id": SESSION, "receipts": [receipt]})
    assert r.json() == {"shown": []} and _job(client, job_id).shown_at is None


@pytest.mark.parametrize("body", [
    {"session_id": "rest-script"},  # only the widget's own sessions (32 hex digits)
    {"session_id": "U0SLACK"},
    {"session_id": SESSION, "receipts": ["../x"]},
    {"session_id": SESSION, "receipts": [uuid.uuid4().hex for _ in range(51)]},
])
def test_results_routes_refuse_what_is_not_a_widget_session_or_a_receipt(client, rasa, body):
    path = "/chat/results/shown" if "receipts" in body else "/chat/results/owed"
    assert client.post(path, json=body).status_code == 422
    assert rasa.calls == []


def test_owed_keeps_a_result_owed_when_rasa_is_down(client, rasa):
    job_id, _ = _finished(client, SESSION)
    rasa.status = 503
    assert client.post("/chat/results/owed", json={"session_id": SESSION}).json() == {"pushed": []}
    job = _job(client, job_id)
    assert job.push_attempts == 1 and job.notified_at is None and job.next_push_at is not None
