"""A learner trains y = 2x - 1 over socket.io against the real stack, and is refused bad input."""


import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from db.models import Job, JobStatus

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_learner_trains_hello_neuron_and_gets_progress_plot_and_models(stack, learner, db, tmp_path):
    sent = learner.say("Train a neuron to learn y = 2x - 1")
    ack = learner.wait_for(lambda r: "Job #" in r.text, timeout=20)
    assert "500 epochs" in ack.text
    progress = learner.wait_for(lambda r: r.payload_type == "progress", timeout=60)
    result = learner.wait_for(lambda r: r.payload_type == "result", timeout=60)
    print(f"\nfirst reply {ack.at - sent:.2f} s, first progress {progress.at - sent:.2f} s, "
          f"result {result.at - sent:.2f} s")

    payload = result.message
    assert payload["skill"] == "hello_neuron"
    assert payload["status"] == "succeeded"
    metrics = payload["metrics"]
    assert metrics["weight"] == pytest.approx(2.0, abs=0.1)
    assert metrics["bias"] == pytest.approx(-1.0, abs=0.1)
    assert metrics["prediction_x10"] == pytest.approx(19.0, abs=0.5)
    assert {"final_loss", "train_seconds"} <= set(metrics)
    urls = {a["kind"]: a["url"] for a in payload["artifacts"]}
    assert set(urls) == {"plot", "model", "validation-data", "tflite", "tfjs"}
    assert all(u.startswith(stack.settings.public_base_url + "/artifacts/") for u in urls.values())
    assert urls["tfjs"].endswith("/model.json")
    # The text and the plot image arrived as chat messages too (the plot before the card).
    assert any("weight = 1.9" in r.text or "weight = 2.0" in r.text for r in learner.history)
    assert any((r.message.get("attachment") or {}).get("type") == "image" for r in learner.history)

    plot = httpx.get(urls["plot"])
    assert plot.status_code == 200 and plot.headers["content-type"] == "image/png"
    assert plot.content.startswith(b"\x89PNG")

    tflite = httpx.get(urls["tflite"])
    assert tflite.status_code == 200
    model_file = tmp_path / "downloaded.tflite"
    model_file.write_bytes(tflite.content)
    from skills.converters import run_tflite

    assert run_tflite(model_file, np.array([[10.0]]))[0, 0] == pytest.approx(metrics["prediction_x10"], abs=1e-3)

    model_json = httpx.get(urls["tfjs"]).json()
    shard = model_json["weightsManifest"][0]["paths"][0]
    assert httpx.get(urls["tfjs"].rsplit("/", 1)[0] + "/" + shard).status_code == 200

    # The stack is shared with other tests: look at this learner's jobs, not the newest overall.
    with db() as session:
        (job,) = session.scalars(select(Job).where(Job.conversation_id == learner.session_id)).all()
        assert job.id == payload["job_id"]
        assert job.status is JobStatus.succeeded
        assert job.notified_at is not None
        assert job.learner.channel == "socketio"


def _jobs_of(session, learner) -> int:
    return session.scalar(select(func.count(Job.id)).where(Job.conversation_id == learner.session_id))


def test_learner_asking_for_ten_million_epochs_is_refused_and_no_job_is_made(learner, db):
    # The stack is shared with tests that queue jobs: count this learner's jobs, not all of them.
    with db() as session:
        assert _jobs_of(session, learner) == 0
    learner.say("train a neuron for 10 million epochs")
    reply = learner.wait_for(lambda r: bool(r.text), timeout=20)
    assert "5,000" in reply.text and "10,000,000" in reply.text
    assert "Nothing was started" in reply.text
    with db() as session:
        assert _jobs_of(session, learner) == 0


def test_unknown_artifact_is_404(stack):
    response = httpx.get(stack.settings.artifact_url("0" * 32, "hello_neuron.tflite"))
    assert response.status_code == 404
