"""The understanding layer through the real stack over socket.io: Rasa's NLU component ranks the
message, the action server renders the decision. Our own wordings, never the development set's."""

import pytest
from sqlalchemy import func, select

from db.models import Job, UnansweredQuestion

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _faq(learner, timeout=30):
    return learner.wait_for(lambda r: r.payload_type == "faq", timeout=timeout).message


def _unanswered(db) -> int:
    with db() as session:
        return session.scalar(select(func.count()).select_from(UnansweredQuestion))


def test_a_symptom_question_gets_its_answer(learner):
    learner.say("my training loss keeps falling but my validation loss started climbing after epoch 6")
    payload = _faq(learner)
    assert payload["kind"] == "concept" and payload["faq_id"] in {"overfitting", "sym-val-loss-rising"}


def test_a_pasted_traceback_gets_the_cause_and_the_fix(learner):
    learner.say('Traceback (most recent call last):\n  File "train.py", line 12, in <module>\n'
                "    model.fit(images, labels, epochs=5)\nValueError: Input 0 of layer \"conv2d\" is "
                "incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape "
                "received: (None, 28, 28)")
    payload = _faq(learner)
    text = " ".join(r.text for r in learner.history).lower()
    assert payload["faq_id"].startswith(("err-", "sym-"))
    assert "reshape" in text or "expand_dims" in text  # the fix, with the line to change


def test_a_casual_skill_request_starts_the_right_job(learner, db):
    learner.say("let's watch that single neuron demo learn its line")
    ack = learner.wait_for(lambda r: r.payload_type == "job", timeout=30)
    assert ack.message["skill"] == "hello_neuron"


def test_with_seasonality_runs_the_forecast_with_the_default_and_says_so(learner, db):
    learner.say("forecast a synthetic time series with seasonality for me")
    ack = learner.wait_for(lambda r: r.payload_type == "job", timeout=30)
    assert ack.message["skill"] == "timeseries"
    assert any("so I used amplitude 40" in r.text for r in learner.history)
    with db() as session:
        job = session.get(Job, ack.message["job_id"])
        assert job.params["amplitude"] == 40


def test_an_off_topic_request_is_declined_and_leaves_the_staff_queue_unchanged(learner, db):
    before = _unanswered(db)
    learner.say("can you recommend a good recipe for banana bread")
    reply = learner.wait_for(lambda r: "outside what I do" in r.text, timeout=30)
    assert not reply.message.get("buttons")
    learner.say("my puppy won't stop chewing shoes, how do I train him")
    learner.wait_for(lambda r: "outside what I do" in r.text and r is not reply, timeout=30)
    assert _unanswered(db) == before


def test_follow_ups_rerun_the_last_training_and_are_answered_from_its_numbers(learner, db):
    learner.say("train a neuron to learn y = 2x - 1 for 300 epochs")
    first = learner.wait_for(lambda r: r.payload_type == "result", timeout=90).message
    weight = first["metrics"]["weight"]
    seen = len(learner.history)
    learner.say("why is the weight not exactly 2?")
    said = learner.wait_for(lambda r: f"{weight:.4f}" in r.text, timeout=30).text
    assert "300 epochs" in said  # from this learner's run, not the generic answer
    learner.say("ok, run that again with 600 epochs")
    ack = learner.wait_for(lambda r: "rerunning your hello neuron" in r.text.lower(), timeout=30)
    assert f"run {first['job_id']}" in ack.text and len(learner.history) > seen
    second = learner.wait_for(lambda r: r.payload_type == "result" and r.message["job_id"] != first["job_id"],
                              timeout=90).message
    assert second["skill"] == "hello_neuron" and second["metrics"]["epochs"] == 600
    learner.say("which run was better?")
    better = learner.wait_for(lambda r: "was better" in r.text, timeout=30).text
    assert str(first["job_id"]) in better and str(second["job_id"]) in better
