from actions.job_updates import ActionJobProgress, ActionJobResult
from db import repository as repo
from db.models import JobStatus
from tests.actions.conftest import tracker_for


def _job(sessions, status=JobStatus.running, **fields):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "learner-1")
        job = repo.create_job(s, learner, "learner-1", "hello_neuron", {})
        s.commit()
        repo.claim_next_job(s, "w")
        job = repo.get_job(s, job.id)
        if status is not JobStatus.running:
            repo.set_status(s, job, status, **fields)
        else:
            repo.record_progress(s, job, 0.4, "epoch 200/500, loss 0.01")
        s.commit()
        return job.id


def _external(intent, job_id, sender="learner-1"):
    return tracker_for(f"EXTERNAL: {intent}", sender=sender, intent=intent,
                       entities=[{"entity": "job_id", "value": job_id}])


RESULT = {
    "skill": "hello_neuron",
    "summary": "After 500 epochs the neuron learned y = 1.998x - 0.994.",
    "metrics": {"weight": 1.998, "bias": -0.994, "prediction_x10": 18.98,
                "final_loss": 2e-5, "train_seconds": 0.3},
    "artifacts": [
        {"kind": "plot", "name": "loss.png", "url": "http://h/artifacts/p/loss.png", "size_bytes": 9},
        {"kind": "tflite", "name": "m.tflite", "url": "http://h/artifacts/p/m.tflite", "size_bytes": 9},
    ],
}


def test_job_progress_renders_percent_and_a_progress_payload(action_db, dispatcher):
    job_id = _job(action_db)
    ActionJobProgress().run(dispatcher, _external("EXTERNAL_job_progress", job_id), {})
    (message,) = dispatcher.messages
    assert "40%" in message["text"] and "epoch 200/500" in message["text"]
    assert message["custom"]["data"]["type"] == "progress"
    assert message["custom"]["data"]["progress"] == 0.4


def test_job_result_is_the_plot_then_one_message_whose_card_carries_its_text(action_db, dispatcher):
    # The plot first: the widget drops anything of a result after its card as a re-sent copy.
    job_id = _job(action_db, JobStatus.succeeded, result=RESULT)
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    image, result = dispatcher.messages
    assert "weight = 1.9980" in result["text"] and "[TFLite model](http://h/artifacts/p/m.tflite)" in result["text"]
    assert image["image"] == "http://h/artifacts/p/loss.png"
    payload = result["custom"]["data"]
    assert payload["type"] == "result" and payload["skill"] == "hello_neuron"
    assert payload["metrics"]["prediction_x10"] == 18.98
    assert [a["kind"] for a in payload["artifacts"]] == ["plot", "tflite"]
    # The card's words are the message's, less the downloads the card lists itself.
    assert payload["text"] == result["text"].split("\nDownloads: ")[0] and "weight = 1.9980" in payload["text"]


def test_a_failed_run_whose_error_names_a_fix_gets_a_button_that_retries_with_it(action_db, dispatcher):
    with action_db() as s:
        learner = repo.get_or_create_learner(s, "socketio", "learner-1")
        job = repo.create_job(s, learner, "learner-1", "hello_neuron", {"epochs": 500, "learning_rate": 1.0})
        s.commit()
        repo.claim_next_job(s, "w")
        repo.set_status(s, repo.get_job(s, job.id), JobStatus.failed,
                        error="The loss blew up to infinity by epoch 3: learning rate 1 is too big for this "
                              "data. Try a smaller one, such as 0.01.")
        s.commit()
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job.id), {})
    (message,) = dispatcher.messages
    assert message["buttons"] == [{"title": "Retry with learning rate 0.01",
                                   "payload": f'/retry_job{{"failed_job": "{job.id}"}}'}]


def test_a_failed_run_without_a_suggested_fix_gets_no_retry_button(action_db, dispatcher):
    job_id = _job(action_db, JobStatus.failed, error="It broke.")
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    assert not dispatcher.messages[0].get("buttons")


def test_an_export_result_links_the_tfjs_page_and_zip_but_not_the_bare_model_json(action_db, dispatcher):
    result = {"skill": "export", "summary": "Exported.", "metrics": {}, "artifacts": [
        {"kind": "tfjs", "name": "model.json", "url": "http://h/tfjs/model.json", "size_bytes": 4000},
        {"kind": "tfjs-page", "name": "index.html", "url": "http://h/tfjs/index.html", "size_bytes": 9},
        {"kind": "tfjs-zip", "name": "model_tfjs.zip", "url": "http://h/model_tfjs.zip", "size_bytes": 9}]}
    job_id = _job(action_db, JobStatus.succeeded, result=result)
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    text = dispatcher.messages[0]["text"]
    assert "[TF.js web page (index.html)](http://h/tfjs/index.html)" in text
    assert "(http://h/model_tfjs.zip)" in text and "model.json)" not in text


def test_job_result_of_a_failed_job_gives_the_plain_error_not_a_trace(action_db, dispatcher):
    job_id = _job(action_db, JobStatus.failed, error="The loss blew up.", error_detail="Traceback ...")
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    (message,) = dispatcher.messages
    assert "didn't finish. The loss blew up." in message["text"]
    assert "Traceback" not in message["text"]


def test_job_updates_ignore_a_job_from_another_conversation(action_db, dispatcher):
    job_id = _job(action_db, JobStatus.succeeded, result=RESULT)
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id, sender="intruder"), {})
    assert dispatcher.messages == []


def test_job_progress_at_zero_says_the_job_started(action_db, dispatcher):
    job_id = _job(action_db)
    with action_db() as s:
        repo.record_progress(s, repo.get_job(s, job_id), 0.0, "starting")
        s.commit()
    ActionJobProgress().run(dispatcher, _external("EXTERNAL_job_progress", job_id), {})
    assert dispatcher.messages[0]["text"] == f"Job #{job_id} has started training."


def test_job_result_of_a_timed_out_job_says_it_was_stopped_and_why(action_db, dispatcher):
    job_id = _job(action_db, JobStatus.cancelled, error="I stopped it after 120 seconds.")
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    (message,) = dispatcher.messages
    assert message["text"] == f"Job #{job_id} was stopped. I stopped it after 120 seconds."
    assert message["custom"]["data"]["status"] == "cancelled"


def test_job_result_shows_every_plot_skill_extras_and_lists_other_downloads(action_db, dispatcher):
    result = {
        "skill": "timeseries", "summary": "The LSTM beat the naive forecast.",
        "metrics": {"mae": 4.1, "naive_mae": 6.2},
        "table": [{"model": "lstm", "mae": 4.1, "kind": "model"},
                  {"model": "naive", "mae": 6.2, "kind": "baseline"}],
        "artifacts": [
            {"kind": "plot", "name": "forecast.png", "url": "http://h/f.png", "size_bytes": 9},
            {"kind": "plot", "name": "series.png", "url": "http://h/s.png", "size_bytes": 9},
            {"kind": "model", "name": "model.keras", "url": "http://h/model.keras", "size_bytes": 9},
            {"kind": "validation-data", "name": "validation.npz", "url": "http://h/v.npz", "size_bytes": 9},
        ],
    }
    job_id = _job(action_db, JobStatus.succeeded, result=result)
    with action_db() as s:
        repo.get_job(s, job_id).skill = "timeseries"
        s.commit()
    ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    *images, text = dispatcher.messages  # the plots first, then the card
    custom = text
    assert "- lstm: MAE 4.100" in text["text"] and "- naive: MAE 6.200 (baseline)" in text["text"]
    assert "[Keras model](http://h/model.keras)" in text["text"] and "validation.npz" not in text["text"]
    assert [m["image"] for m in images] == ["http://h/f.png", "http://h/s.png"]
    payload = custom["custom"]["data"]
    assert payload["table"][0]["model"] == "lstm" and payload["metrics"]["naive_mae"] == 6.2


def _sessions_job(sessions, job_id):
    with sessions() as s:
        return repo.get_job(s, job_id)


def _on_channel(tracker, channel):
    for event in tracker.events:
        if event.get("event") == "user":
            event["input_channel"] = channel
    return tracker


def test_every_result_card_carries_its_jobs_receipt_for_the_widgets_acknowledgement(action_db, dispatcher):
    done = _job(action_db, JobStatus.succeeded, result=RESULT)
    failed = _job(action_db, JobStatus.failed, error="It broke.")
    for job_id in (done, failed):
        ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {})
    receipts = [m["custom"]["data"]["receipt"] for m in dispatcher.messages if m.get("custom")]
    assert receipts == [_sessions_job(action_db, done).public_id, _sessions_job(action_db, failed).public_id]


def test_a_result_rendered_for_the_web_widget_stays_owed_until_the_widget_acknowledges_it(action_db, dispatcher):
    job_id = _job(action_db, JobStatus.succeeded, result=RESULT)
    ActionJobResult().run(dispatcher, _on_channel(_external("EXTERNAL_job_result", job_id), "socketio"), {})
    assert dispatcher.messages and _sessions_job(action_db, job_id).shown_at is None


def test_a_result_rendered_for_slack_counts_as_shown_since_slack_keeps_the_message(action_db, dispatcher):
    job_id = _job(action_db, JobStatus.succeeded, result=RESULT)
    ActionJobResult().run(dispatcher, _on_channel(_external("EXTERNAL_job_result", job_id), "slack"), {})
    assert dispatcher.messages and _sessions_job(action_db, job_id).shown_at is not None


def test_a_result_already_shown_renders_nothing_when_a_late_resend_arrives(action_db, dispatcher):
    from jobs import delivery

    job_id = _job(action_db, JobStatus.succeeded, result=RESULT)
    with action_db() as s:
        job = repo.get_job(s, job_id)
        delivery.mark_shown(s, job.conversation_id, [job.public_id])
        s.commit()
    assert ActionJobResult().run(dispatcher, _external("EXTERNAL_job_result", job_id), {}) == []
    assert dispatcher.messages == []
