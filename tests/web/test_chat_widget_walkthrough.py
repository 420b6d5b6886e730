"""The learner's walk-through (issue 16, sections 2, 3 and 5) in headless Chromium against the real
stack: a welcome on first load, one click one job, "New conversation" keeping the learner, a
multi-line paste, the lesson chip on a phone and across reloads, and percentages and file names
that wrap where they should. Screenshots go to test-output/web/ (each test names its files)."""

from pathlib import Path

import pytest

from tests.web.conftest import WALKTHROUGH

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRAIN = "Train a neuron to learn y = 2x - 1"
TRACEBACK = """Traceback (most recent call last):
  File "train.py", line 12, in <module>
    model.fit(x_train, y_train, epochs=5)
  File "keras/src/utils/traceback_utils.py", line 122, in error_handler
    raise e.with_traceback(filtered_tb) from None
ValueError: Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, found ndim=3."""
LONG_NAMES = ["time_series_forecast_with_noise_model_float16.tflite", "sentiment-bilstm-weights.shard1of1.bin"]


def _run(scenario, name: str, **options) -> dict:
    found = scenario(name, script=WALKTHROUGH, **options)
    for shot in found.get("screenshots", []):
        assert Path(shot).stat().st_size > 0, shot
    return found


def test_the_first_visit_shows_a_welcome_with_three_starters_and_the_lessons_once(scenario):
    found = _run(scenario, "welcome")
    assert "Tutor" in found["text"] and "TensorFlow" in found["text"]
    assert found["buttons"] == ["Train a neuron on y = 2x - 1", "Train a CNN on the digits",
                                "What is overfitting?", "Show the lessons"]
    assert found["phoneButtons"] == 4
    assert found["afterReload"] == 1  # stored like a message: shown once, not again per load
    assert found["users"] == ["What is overfitting?"] and "overfit" in found["answer"].lower()


def test_a_double_click_on_a_training_button_sends_once_and_starts_one_job(scenario):
    found = _run(scenario, "doubleClick", buttonTitle="Train a neuron on y = 2x - 1")
    assert found["disabledWhileWaiting"], f"the button still took clicks before the reply: {found['afterClicks']}"
    assert found["sent"].count("/train_neuron") == 1, found["sent"]
    assert found["users"].count("Train a neuron on y = 2x - 1") == 1
    assert found["jobIds"] == [found["jobId"]], found["jobIds"]
    assert len(found["models"]) == 1 and found["models"][0].startswith(f"#{found['jobId']} ")
    assert found["enabledAfterReply"]
    # The live bar at 375 px: its "100%" is one line high.
    assert found["percent"]["text"] == "100%" and found["percent"]["oneLine"], found["percent"]


def test_new_conversation_asks_clears_the_screen_and_show_my_models_still_lists_the_run(scenario):
    found = _run(scenario, "newConversation", trainText=TRAIN)
    assert "Start a new conversation?" in found["question"] and "models" in found["question"]
    assert found["afterCancel"] == found["messagesBefore"]  # Cancel keeps everything
    assert found["afterClear"] == ["welcome"]
    assert found["sessionAfter"] == found["sessionBefore"]  # the learner is the session id
    assert len(found["sessionAfter"]) == 32 and all(c in "0123456789abcdef" for c in found["sessionAfter"])
    assert f"#{found['jobId']}" in found["models"]
    assert found["afterReload"] == ["show my models"]  # the old transcript stays cleared


def test_a_pasted_traceback_keeps_its_line_breaks_and_is_shown_as_code(scenario):
    found = _run(scenario, "multiline", paste=TRACEBACK)
    assert found["typed"] == "first line\nsecond line" and found["usersWhileTyping"] == 0
    assert found["twoLineHeight"] > found["oneLineHeight"]  # the box grows
    assert found["pasted"] == TRACEBACK
    assert found["grown"]["height"] > found["twoLineHeight"] and not found["grown"]["scrolls"]
    tall = found["tall"]  # 30 lines: grown to the max height, then it scrolls
    assert tall["height"] <= tall["max"] + 1 and tall["max"] <= 240 and tall["scrolls"], tall
    assert tall["overflowY"] == "auto", tall
    assert found["sent"][-1] == TRACEBACK  # over the wire, every line break kept
    bubble = found["bubble"]
    assert bubble["code"] and bubble["text"] == TRACEBACK, bubble
    assert "monospace" in bubble["font"] and bubble["whiteSpace"] == "pre"
    assert found["boxAfter"]["value"] == "" and found["boxAfter"]["height"] == found["oneLineHeight"]
    assert found["restored"] == TRACEBACK  # after a reload too
    assert not found["plain"]  # a question stays an ordinary bubble


def test_the_lesson_chip_fits_a_phone_survives_reloads_and_new_conversation_and_leaves_on_quit(scenario):
    found = _run(scenario, "lessonChip")
    fit = found["fit"]
    assert "Hello, neuron" in found["first"] and "step 1 of 13" in found["first"]
    assert fit["left"] >= 0 and fit["right"] <= fit["buttonLeft"] and fit["buttonRight"] <= fit["innerWidth"], fit
    assert fit["titleWhole"] and fit["stepWhole"], fit  # nothing cut off at 375 px
    assert fit["topbarHeight"] < 80, fit
    assert found["afterReload"] == found["first"]
    assert found["afterNew"] == found["first"]  # the learner is still in the lesson
    assert "Hello, neuron" in found["whereWasI"]
    assert found["afterQuitReload"] is None


def test_at_375px_a_progress_percent_stays_on_one_line_and_file_names_wrap_at_separators(scenario):
    note = "epoch 1200/5000, loss 0.0123456, val_loss 0.0134567, mae 0.0987654 (learning rate 0.001)"
    artifacts = [{"kind": "tflite", "name": name, "url": f"/artifacts/{'ab' * 16}/{name}", "size_bytes": 4180}
                 for name in LONG_NAMES]
    records = [{"type": "job", "job_id": 101, "skill": "timeseries", "status": "running"},
               {"type": "progress", "job_id": 101, "skill": "timeseries", "progress": 0.24, "note": note},
               {"type": "result", "job_id": 102, "skill": "timeseries", "status": "succeeded",
                "metrics": {"mae": 4.2}, "artifacts": artifacts}]
    found = _run(scenario, "layout", records=records)
    assert found["percent"]["text"] == "24%" and found["percent"]["oneLine"], found["percent"]
    names = {n["text"]: n for n in found["names"]}
    assert set(LONG_NAMES) <= set(names)
    assert names[LONG_NAMES[0]]["lines"] > 1  # long enough to wrap at 375 px
    for name in LONG_NAMES:
        assert all(c in "_.-/" for c in names[name]["breaksAfter"]), names[name]
