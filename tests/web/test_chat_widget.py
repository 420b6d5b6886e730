"""A learner in a real browser (headless Chromium) against the real stack: training with a moving
progress bar, the plot, the TFLite download, quick replies, history across a reload, a phone-sized
screen, keyboard-only use, and the send -> first rendered reply latency."""

import statistics
from pathlib import Path

import pytest

from tests.web.conftest import OUT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TRAIN = "Train a neuron to learn y = 2x - 1"
# 5,000 epochs take about a second here: long enough for progress pushes before the result.
TRAIN_LONGER = "Train a neuron to learn y = 2x - 1 for 5000 epochs"
FAQ_QUESTIONS = ["what is overfitting?", "what is a loss function?", "what is dropout?",
                 "what is an epoch?", "what is transfer learning?"]


def test_training_in_the_browser_shows_progress_plot_downloads_and_survives_a_reload(scenario):
    found = scenario("training", trainText=TRAIN_LONGER)
    print(f"\nprogress values seen while running: {found['progressSeen']}")

    # The progress bar moved while the job ran, and the result completed it.
    assert any(value > 0 for value in found["progressSeen"]), found["progressSeen"]
    assert found["finalProgress"] == 1

    # The loss plot decoded; the result card has metrics and download cards, but no plot card.
    assert found["plotWidth"] > 0
    assert {"Weight", "Bias"} <= set(found["metrics"])
    names = {card["name"] for card in found["downloads"]}
    assert "hello_neuron.tflite" in names and not any(n.endswith(".png") for n in names)
    assert all(card["meta"].endswith(("B", "KB", "MB")) for card in found["downloads"])

    # The TFLite file came through the browser's download, with the flatbuffer magic.
    tflite = Path(found["download"]["file"]).read_bytes()
    assert found["download"]["suggested"] == "hello_neuron.tflite"
    assert tflite[4:8] == b"TFL3"

    # After a reload: same session, the whole transcript, and a reply that knows the old job.
    assert found["sessionBefore"] and found["sessionAfter"] == found["sessionBefore"]
    assert found["after"] == found["before"]
    assert any(TRAIN_LONGER in text for text in found["after"])
    assert found["restoredBars"] == "succeeded"
    assert f"#{found['jobId']}" in found["models"]
    for shot in found["screenshots"]:
        assert Path(shot).stat().st_size > 0


def test_a_quick_reply_sends_its_payload_and_shows_its_title(scenario):
    found = scenario("quickReply")
    assert found["users"][-2:] == ["hi", "What can you do?"]
    assert "Here's what I can do" in found["help"]


def test_a_lesson_shows_its_step_in_the_top_bar_and_quiz_options_as_buttons(scenario):
    found = scenario("lesson")
    assert "Hello, neuron" in found["first"] and "step 1 of 13" in found["first"]
    assert "step 5 of 13" in found["second"]  # right answer, branch, on to the say step "numbers"
    assert found["options"] == ["The rules, so it can compute the answers",
                                "Examples of data together with the right answers",
                                "Nothing, it learns by itself"]
    assert found["users"][-1] == "Examples of data together with the right answers"


def test_keyboard_alone_sends_messages_and_activates_quick_replies(scenario):
    found = scenario("keyboard")
    assert found["inputFocused"], "Tab never reached the message input"
    assert found["users"][0] == "hello"
    assert found["focused"]["outlineStyle"] != "none", found["focused"]  # visible focus ring
    assert found["users"][-1] == found["focused"]["title"]
    assert found["reply"]
    assert found["labels"]["log"] == ["log", "polite"]
    assert found["labels"]["input"] >= 1 and found["labels"]["send"]


def test_a_phone_sized_screen_has_no_horizontal_scroll(scenario):
    found = scenario("phone", trainText=TRAIN)
    widths = found["widths"]
    assert widths["scrollWidth"] <= widths["clientWidth"] == 375, widths
    assert widths["widestRight"] <= widths["innerWidth"], widths
    for shot in found["screenshots"]:
        assert Path(shot).stat().st_size > 0


def test_typing_indicator_reconnect_banner_and_new_conversation_keeps_the_session(scenario):
    found = scenario("resilience")
    assert found["typing"][:2] == [True, False]  # shown on send, hidden by the reply
    assert found["banner"] == "Reconnecting…"
    assert "overfit" in found["afterReconnect"].lower()  # answered after the network came back
    assert found["cleared"] == 0 and found["newSession"] == found["oldSession"]  # same learner (D33)
    assert "Tutor" in found["greeting"]
    assert found["afterReload"][0] == "hi" and len(found["afterReload"]) == 2  # only the new conversation


def test_send_to_first_rendered_reply_latency_is_measured(scenario):
    found = scenario("latency", questions=FAQ_QUESTIONS)
    samples = found["samples"]
    assert len(samples) == len(FAQ_QUESTIONS)
    median = statistics.median(samples)
    line = (f"send -> first rendered bot reply (FAQ questions, headless Chromium, long-polling): "
            f"median {median:.0f} ms over {len(samples)} sends; samples "
            + ", ".join(f"{s:.0f}" for s in samples) + " ms")
    (OUT / "latency.txt").write_text(line + "\n")
    print(line)
    assert median < 5000, line  # a generous ceiling: the figure is reported, not tuned for
