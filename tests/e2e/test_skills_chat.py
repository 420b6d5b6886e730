"""Every catalogue skill run from chat over socket.io against the real stack, with its floor.

One worker serves all tests in turn, so each waits for its own result with a generous timeout.
"""

import httpx
import numpy as np
import pytest
from sqlalchemy import select

from db.models import Job, JobStatus

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RESULT_TIMEOUT = 240  # the job may wait behind another test's training


def _train(learner, text: str) -> dict:
    """Send a training request; return the result payload after the ack and a progress message."""
    learner.say(text)
    ack = learner.wait_for(lambda r: "Job #" in r.text, timeout=30)
    job_id = int(ack.text.split("Job #")[1].split(":")[0])
    result = learner.wait_for(lambda r: r.payload_type == "result" and r.message["job_id"] == job_id,
                              timeout=RESULT_TIMEOUT)
    assert result.message["status"] == "succeeded", result.message
    return result.message


def _assert_artifacts_download(payload: dict, kinds: set[str]) -> dict:
    urls = {}
    for artifact in payload["artifacts"]:
        urls.setdefault(artifact["kind"], []).append(artifact["url"])
    assert kinds <= set(urls), urls
    for url in urls["plot"]:
        response = httpx.get(url)
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    return urls


def test_vision_cnn_reaches_095_and_a_rerun_is_compared_with_the_first(learner):
    first = _train(learner, "train a cnn on the digits")
    assert first["skill"] == "vision" and first["metrics"]["val_accuracy"] >= 0.95
    urls = _assert_artifacts_download(first, {"plot", "model"})
    assert len(urls["plot"]) >= 3  # confusion matrix, curves, sample predictions
    assert all(f"accuracy_class_{d}" in first["metrics"] for d in range(10))
    assert first["coaching"]
    assert any(r.message.get("attachment", {}).get("type") == "image" for r in learner.history)  # before the card

    second = _train(learner, "train a cnn with dropout 0.3 for 5 epochs")
    summary = second["summary"].lower()  # compared with the first: "last time", or "fell from 0.98 to 0.95"
    assert "last time" in summary or "previous" in summary or f"from {first['metrics']['val_accuracy']:.3f}" in summary


def test_transfer_learning_beats_training_from_scratch_on_few_examples(learner):
    payload = _train(learner, "try transfer learning with 10 shots")
    metrics = payload["metrics"]
    assert metrics["shots"] == 10
    assert metrics["transfer_val_accuracy"] > metrics["scratch_val_accuracy"]
    _assert_artifacts_download(payload, {"plot", "model"})


def test_sentiment_model_reaches_080_then_scores_the_learners_sentence(learner):
    payload = _train(learner, "train a sentiment model")
    assert payload["metrics"]["val_accuracy"] >= 0.80
    urls = _assert_artifacts_download(payload, {"plot", "model", "data"})
    names = {url.rsplit("/", 1)[1] for url in urls["data"]}
    assert {"vecs.tsv", "meta.tsv"} <= names

    learner.say("is this positive: what a wonderful, delightful film, I loved it")
    verdict = learner.wait_for(lambda r: r.payload_type == "result" and r.message["skill"] == "sentiment_classify",
                               timeout=RESULT_TIMEOUT)
    assert verdict.message["label"] == "positive" and verdict.message["probability"] > 0.5
    assert any("is positive" in r.text for r in learner.history)


def test_tokenize_shows_word_and_subword_tokens(learner):
    learner.say('tokenize "I loved this zorblax movie"')
    result = learner.wait_for(lambda r: r.payload_type == "result", timeout=RESULT_TIMEOUT).message
    assert result["skill"] == "tokenize"
    assert "zorblax" in result["oov_words"] and result["keras_tokens"][:2] == ["i", "loved"]
    assert result["subword_pieces"]


def test_textgen_continues_the_learners_seed_with_the_asked_number_of_words(learner):
    payload = _train(learner, 'generate 12 words starting with "the rain was falling" with temperature 0.6')
    generated = payload["generated"]
    assert generated.lower().startswith("the rain was falling")
    assert len(generated.split()) == 4 + 12
    assert payload["metrics"]["temperature"] == 0.6
    assert any(generated in r.text for r in learner.history)


def test_timeseries_best_model_beats_the_naive_forecast(learner):
    payload = _train(learner, "forecast a time series")
    metrics = payload["metrics"]
    assert metrics["mae"] < metrics["naive_mae"]
    assert {row["model"] for row in payload["table"]} >= {"naive", "moving_average"} or len(payload["table"]) >= 4
    _assert_artifacts_download(payload, {"plot", "model"})


def test_learner_cancels_a_running_training_and_no_result_follows(learner, db):
    learner.say("generate 20 words, train for 300 epochs")
    ack = learner.wait_for(lambda r: "Job #" in r.text, timeout=30)
    job_id = int(ack.text.split("Job #")[1].split(":")[0])
    learner.wait_for(lambda r: r.payload_type == "progress" and r.message["job_id"] == job_id
                     and r.message["progress"] > 0, timeout=RESULT_TIMEOUT)
    learner.say("cancel my training")
    reply = learner.wait_for(lambda r: "Cancelled" in r.text, timeout=30)
    assert f"#{job_id}" in reply.text
    with pytest.raises(TimeoutError):
        learner.wait_for(lambda r: r.payload_type == "result" and r.message.get("job_id") == job_id, timeout=8)
    with db() as session:
        job = session.get(Job, job_id)
        assert job.status is JobStatus.cancelled and job.progress < 1.0


def test_show_my_models_lists_this_learners_runs(learner, db):
    _train(learner, "train a neuron for 50 epochs")
    learner.say("show my models")
    listing = learner.wait_for(lambda r: r.payload_type == "models", timeout=30).message
    with db() as session:
        mine = session.scalars(select(Job).where(Job.conversation_id == learner.session_id)).all()
    assert [item["job_id"] for item in listing["items"]] == [job.id for job in mine]
    assert any("hello neuron" in r.text for r in learner.history)


def test_learner_exports_their_model_and_downloads_every_format(learner, tmp_path):
    trained = _train(learner, "train a neuron for 300 epochs")
    export = _train(learner, "export my model")
    assert export["skill"] == "export" and export["failed"] == []
    names = {a["name"] for a in export["artifacts"]}
    assert {f"hello_neuron_{v}.tflite" for v in ("float32", "dynamic", "float16", "int8")} <= names
    assert {"model.json", "hello_neuron-serving.tar.gz", "predict_litert.py"} <= names
    assert [row["variant"] for row in export["table"]] and export["recommendation"]
    tflite = next(a for a in export["artifacts"] if a["name"] == "hello_neuron_float32.tflite")
    model_file = tmp_path / "m.tflite"
    model_file.write_bytes(httpx.get(tflite["url"]).content)
    from skills.converters import run_tflite

    predicted = run_tflite(model_file, np.array([[10.0]]))[0, 0]
    assert predicted == pytest.approx(trained["metrics"]["prediction_x10"], abs=1e-3)
