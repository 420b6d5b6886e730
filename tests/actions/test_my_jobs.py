"""'cancel my training' and 'show my models' act on the asking learner's jobs only."""

from actions.my_jobs import ActionCancelJob, ActionShowModels
from db import repository as repo
from db.models import JobStatus
from tests.actions.conftest import texts, tracker_for


def _job(sessions, sender="learner-1", skill="hello_neuron", status=JobStatus.queued, result=None, params=None):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", sender)
        job = repo.create_job(s, learner, sender, skill, params or {})
        s.commit()
        if status is not JobStatus.queued:
            repo.claim_next_job(s, "w")
            job = repo.get_job(s, job.id)
            if status is not JobStatus.running:
                repo.set_status(s, job, status, result=result)
            s.commit()
        return job.id


def _status(sessions, job_id):
    with sessions() as s:
        return repo.get_job(s, job_id).status


def test_cancel_stops_the_learners_running_and_queued_jobs_but_not_others(action_db, dispatcher):
    running = _job(action_db, status=JobStatus.running)
    queued = _job(action_db)
    other = _job(action_db, sender="someone-else")
    ActionCancelJob().run(dispatcher, tracker_for("cancel my training", intent="cancel_job"), {})
    assert _status(action_db, running) is JobStatus.cancelled
    assert _status(action_db, queued) is JobStatus.cancelled
    assert _status(action_db, other) is JobStatus.queued
    assert f"#{queued}, #{running}" in texts(dispatcher)
    with action_db() as s:
        assert repo.jobs_owing_notification(s) == []  # the learner has been told already


def test_cancel_by_number_stops_only_that_job(action_db, dispatcher):
    first, second = _job(action_db), _job(action_db)
    ActionCancelJob().run(dispatcher, tracker_for(f"cancel job #{second}", intent="cancel_job"), {})
    assert _status(action_db, first) is JobStatus.queued
    assert _status(action_db, second) is JobStatus.cancelled


def test_cancel_with_nothing_running_says_so(action_db, dispatcher):
    _job(action_db, status=JobStatus.succeeded, result={"metrics": {}})
    ActionCancelJob().run(dispatcher, tracker_for("cancel", intent="cancel_job"), {})
    assert "nothing to cancel" in texts(dispatcher)


def test_show_models_lists_finished_runs_with_their_key_number_and_running_ones(action_db, dispatcher):
    done = _job(action_db, skill="sentiment", status=JobStatus.succeeded,
                result={"skill": "sentiment", "metrics": {"val_accuracy": 0.8476},
                        "artifacts": [{"kind": "model", "name": "model.keras", "url": "u", "size_bytes": 1}]})
    running = _job(action_db, skill="textgen", status=JobStatus.running)
    _job(action_db, sender="someone-else", skill="vision", status=JobStatus.succeeded,
         result={"metrics": {"val_accuracy": 0.99}})
    ActionShowModels().run(dispatcher, tracker_for("show my models", intent="show_models"), {})
    text = texts(dispatcher)
    assert f"#{done} sentiment classifier: validation accuracy 0.848" in text
    assert f"#{running} text generator (LSTM) (running)" in text
    assert "0.99" not in text  # another learner's model
    items = dispatcher.messages[0]["custom"]["data"]["items"]
    assert [i["job_id"] for i in items] == [done] and items[0]["artifacts"][0]["name"] == "model.keras"


def test_show_models_with_no_runs_suggests_a_first_training(action_db, dispatcher):
    ActionShowModels().run(dispatcher, tracker_for("show my models", intent="show_models"), {})
    assert "haven't trained anything yet" in texts(dispatcher)


def test_show_models_marks_a_run_whose_result_no_chat_has_shown(action_db, dispatcher):
    from jobs import delivery

    seen = _job(action_db, status=JobStatus.succeeded, result={"metrics": {"weight": 2.0}})
    unseen = _job(action_db, status=JobStatus.succeeded, result={"metrics": {"weight": 2.0}})
    with action_db() as s:
        job = repo.get_job(s, seen)
        delivery.mark_shown(s, job.conversation_id, [job.public_id])
        s.commit()
    ActionShowModels().run(dispatcher, tracker_for("show my models", intent="show_models"), {})
    said = texts(dispatcher)
    line = {n: next(part for part in said.split("\n") if f"#{n} " in part) for n in (seen, unseen)}
    assert "not yet shown" in line[unseen] and "not yet shown" not in line[seen]
    items = {i["job_id"]: i["shown"] for i in dispatcher.messages[-1]["custom"]["data"]["items"]}
    assert items == {seen: True, unseen: False}


def test_show_models_lists_each_runs_settings_next_to_its_key_metric(action_db, dispatcher):
    params = {"model": "cnn", "epochs": 15, "augmentation": True, "dropout": 0.0, "seed": 0,
              "previous": {"val_accuracy": 0.97}}
    done = _job(action_db, skill="vision", status=JobStatus.succeeded, params=params,
                result={"skill": "vision", "metrics": {"val_accuracy": 0.933}})
    ActionShowModels().run(dispatcher, tracker_for("show my models", intent="show_models"), {})
    line = f"#{done} image classifier (digits): validation accuracy 0.933 (model cnn, epochs 15, augmentation)"
    assert line in texts(dispatcher)  # no seed, no dropout 0, no previous run's numbers
    (item,) = dispatcher.messages[0]["custom"]["data"]["items"]
    assert item["settings"] == "model cnn, epochs 15, augmentation"
    assert item["key_metric"] == "validation accuracy 0.933"


def test_show_models_says_a_rule_and_an_exports_source_in_words_not_as_python(action_db, dispatcher):
    neuron = _job(action_db, status=JobStatus.succeeded, params={"epochs": 500, "rule": {"weight": 3.0, "bias": 1.0}},
                  result={"skill": "hello_neuron", "metrics": {"final_loss": 0.001}})
    export = _job(action_db, skill="export", status=JobStatus.succeeded,
                  params={"source_job_id": neuron, "source_skill": "hello_neuron", "model_name": "hello_neuron",
                          "formats": ["tflite"]}, result={"skill": "export", "metrics": {}})
    ActionShowModels().run(dispatcher, tracker_for("show my models", intent="show_models"), {})
    text = texts(dispatcher)
    assert "rule (weight 3, bias 1)" in text and "{" not in text
    assert f"#{export} " in text and f"from job #{neuron}, formats tflite" in text
    assert "source skill" not in text and "model name" not in text
