"""Result cards in Chromium (issue 16, section 4): one rendering per result, the retry button, the
TF.js page and zip links, the TFLite table and, at 375 px, a prediction grid whose captions stay
readable. The messages are what actions/job_updates.py and actions/my_jobs.py send."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parent / "results.mjs"
URL = "http://tutor.test/artifacts/abc"
CAPTION_PX = 7 * 100 / 72  # vision_plots.prediction_grid: 7 pt captions at 100 dpi


def _messages():
    from actions.job_updates import card_text, result_text
    from db.models import Job, JobStatus

    result = {"skill": "export", "summary": "Exported your vision model to TFLite (2 variants), TF.js.",
              "metrics": {"keras_accuracy": 0.97},
              "table": [{"variant": "float32", "size_bytes": 60000, "accuracy": 0.97, "delta": 0.0},
                        {"variant": "int8", "size_bytes": 20000, "accuracy": 0.969, "delta": -0.001}],
              "recommended": "int8", "artifacts": [
                  {"kind": "tfjs", "name": "model.json", "url": f"{URL}/tfjs/model.json", "size_bytes": 80000},
                  {"kind": "tfjs-page", "name": "index.html", "url": f"{URL}/tfjs/index.html", "size_bytes": 1500000},
                  {"kind": "tfjs-zip", "name": "vision_tfjs.zip", "url": f"{URL}/vision_tfjs.zip",
                   "size_bytes": 400000}]}
    job = Job(id=12, skill="export", status=JobStatus.succeeded, result=result, public_id="abc")
    failed = "Job #13 didn't finish. The loss blew up: learning rate 1 is too big. Try a smaller one, such as 0.01."
    return [
        {"text": result_text(job)},  # Rasa emits the text, then the card, of one message
        {**result, "type": "result", "job_id": 12, "status": "succeeded", "text": card_text(job), "receipt": "abc"},
        {"text": failed,
         "buttons": [{"title": "Retry with learning rate 0.01", "payload": '/retry_job{"failed_job": "13"}'}]},
        {"text": "Your trained models, newest first:\n- #11 image classifier (digits): validation accuracy 0.933"},
        {"type": "models", "items": [{"job_id": 11, "skill": "vision", "title": "image classifier (digits)",
                                      "metrics": {"val_accuracy": 0.933}, "artifacts": [], "shown": True,
                                      "settings": "model cnn, epochs 15, augmentation",
                                      "key_metric": "validation accuracy 0.933"}]},
    ]


def test_a_result_shows_once_as_its_card_with_the_tfjs_page_and_zip_and_the_retry_button(scenario):
    found = scenario("cards", script=SCRIPT, messages=_messages(), plotFile="")
    assert found["errors"] == []
    assert not any("Job #12 is done" in b or "newest first" in b for b in found["bubbles"])  # no second bubble
    assert len(found["cards"]) == 1 and found["cards"][0].startswith("Job #12 is done. Exported")
    links = {link["href"].rsplit("/", 1)[-1]: link for link in found["links"]}
    assert set(links) == {"index.html", "vision_tfjs.zip"}  # no bare model.json card
    assert links["index.html"]["target"] == "_blank" and links["index.html"]["download"] is None
    assert links["vision_tfjs.zip"]["download"] == "vision_tfjs.zip" and "391 KB" in links["vision_tfjs.zip"]["meta"]
    assert found["variants"] == [["float32", "59 KB", "0.97", ""], ["int8", "20 KB", "0.969", "recommended"]]
    assert "Retry with learning rate 0.01" in found["buttons"]
    assert found["models"] == [
        "#11 image classifier (digits)" "validation accuracy 0.933" "model cnn, epochs 15, augmentation"]


def test_at_375_px_the_prediction_grid_keeps_its_size_so_captions_stay_readable(scenario, tmp_path):
    from skills import vision_plots

    images = np.random.default_rng(0).random((24, 8, 8, 1))
    labels = np.arange(24) % 10
    plot = vision_plots.prediction_grid(images, labels, (labels + 1) % 10, [str(i) for i in range(10)],
                                        tmp_path / "predictions.png")
    found = scenario("phonePlot", script=SCRIPT, plotFile=str(plot))
    assert found["errors"] == []
    caption = CAPTION_PX * found["shown"] / found["natural"]
    assert caption >= 9, found  # fitted to the phone it was about 3 px
    assert found["scrolls"] and found["pageWidth"] <= 375  # the bubble scrolls, not the page


FAIL = "Train a neuron to learn y = 2x - 1 for 200 epochs with learning rate 1"  # blows up in a few epochs


@pytest.mark.slow
def test_the_retry_button_starts_the_fixed_run_and_its_tfjs_page_and_zip_both_download(scenario, web_stack):
    from db.engine import make_engine, make_session_factory
    from db.models import Job

    found = scenario("retryAndExport", script=SCRIPT, failText=FAIL, exportText="export my model to tfjs")
    assert found["retryTitle"] == "Retry with learning rate 0.01"
    assert f"from job #{found['failedId']} with learning rate 0.01" in found["retried"]
    engine = make_engine(web_stack.settings.db_url)
    try:
        with make_session_factory(engine)() as session:
            failed, retried, exported = (session.get(Job, found[k]) for k in ("failedId", "retryId", "exportId"))
            assert (failed.status.value, failed.params["learning_rate"]) == ("failed", 1)
            assert (retried.skill, retried.status.value, retried.params["learning_rate"]) == (
                "hello_neuron", "succeeded", 0.01)
            assert {k: v for k, v in retried.params.items() if k != "learning_rate"} == {
                k: v for k, v in failed.params.items() if k != "learning_rate"}  # nothing else changed
            assert exported.params["source_job_id"] == retried.id and exported.params["formats"] == ["tfjs"]
    finally:
        engine.dispose()

    names = {link["href"].rsplit("/", 1)[-1] for link in found["links"]}
    assert "index.html" in names and any(n.endswith(".zip") for n in names) and "model.json" not in names
    # index.html is an HTML page that, opened from the card, fetched model.json and its shard(s).
    assert found["pageType"].startswith("text/html") and "model.json" in found["pageHtml"]
    fetched = {item["url"].rsplit("/", 1)[-1]: item["status"] for item in found["fetched"]}
    assert fetched["model.json"] == 200 and fetched["tf.min.js"] == 200
    assert any(name.endswith(".bin") and status == 200 for name, status in fetched.items()), fetched
    # The zip holds the whole folder: model.json, every shard model.json names, the page, tf.min.js.
    with zipfile.ZipFile(found["zipFile"]) as archive:
        members = {Path(name).name: name for name in archive.namelist()}
        shards = [p for group in json.loads(archive.read(members["model.json"]))["weightsManifest"]
                  for p in group["paths"]]
        assert shards and {"model.json", "index.html", "tf.min.js", *shards} <= set(members)
        assert b"<html" in archive.read(members["index.html"]).lower()
