"""'export my model': the learner's own latest (or named) model becomes an export job."""

from actions.export_model import VARIANTS, ActionExportModel, requested
from db import repository as repo
from db.models import JobStatus
from skills.converters import TFLITE_VARIANTS
from tests.actions.conftest import jobs_in_order, texts, tracker_for


def _finished(sessions, skill, sender="learner-1"):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", sender)
        job = repo.create_job(s, learner, sender, skill, {})
        s.commit()
        repo.claim_next_job(s, "w")
        repo.set_status(s, repo.get_job(s, job.id), JobStatus.succeeded, result={"metrics": {}})
        s.commit()
        return job.id, job.public_id


def _export(dispatcher, text, sender="learner-1"):
    ActionExportModel().run(dispatcher, tracker_for(text, sender=sender, intent="export_model"), {})


def _last_job(sessions):
    with sessions() as s:
        return jobs_in_order(s)[-1]


def test_export_with_nothing_trained_says_so_and_queues_nothing(action_db, dispatcher):
    _export(dispatcher, "export my model")
    assert "nothing to export" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_export_takes_the_learners_latest_model_and_every_format_by_default(action_db, dispatcher):
    _finished(action_db, "vision")
    source_id, _ = _finished(action_db, "sentiment")
    _export(dispatcher, "export my model")
    job = _last_job(action_db)
    assert job.skill == "export" and job.params["source_skill"] == "sentiment"
    assert job.params["source_job_id"] == source_id
    assert "model_dir" not in job.params  # a job names its source run, never a worker path
    assert job.params["formats"] == ["tflite", "tfjs", "serving"]
    assert f"sentiment classifier from job #{source_id}" in texts(dispatcher)


def test_export_reads_the_format_variant_and_the_named_skill(action_db, dispatcher):
    _finished(action_db, "vision")
    _finished(action_db, "sentiment")
    _export(dispatcher, "export my cnn to TFLite with int8")
    job = _last_job(action_db)
    assert job.params["source_skill"] == "vision"
    assert job.params["formats"] == ["tflite"] and job.params["tflite_variants"] == ["int8"]


def test_export_refuses_another_learners_model(action_db, dispatcher):
    other_id, _ = _finished(action_db, "vision", sender="someone-else")
    _export(dispatcher, f"export job {other_id}")
    assert f"I can't find a finished training #{other_id} of yours" in texts(dispatcher)
    assert "isn't yours" not in texts(dispatcher)  # never confirms another learner's job exists
    with action_db() as s:
        assert repo.count_jobs(s) == 1


def test_export_has_chat_words_for_exactly_the_tflite_variants_the_converters_make():
    assert set(VARIANTS) == set(TFLITE_VARIANTS)
    for variant in TFLITE_VARIANTS:
        assert requested(f"export it as {variant} please", VARIANTS) == [variant]
