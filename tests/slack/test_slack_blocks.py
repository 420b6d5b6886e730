"""bot/slack_blocks.py: Tutor's messages as Slack Block Kit, checked against Slack's limits.

The renderer is pure and imports only the standard library, so it is tested here in the app venv,
without Rasa. Tutor's custom payloads come from the shared fixtures (tests/fixtures/payloads), the
same messages the web widget's tests render."""

import ast
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from bot.slack_blocks import render
from tests.conftest import ROOT
from tests.slack.fake_slack import _block_kit_errors

PAYLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "payloads"
URL = "http://tutor.example/artifacts/abc"
# The text the actions send along with each payload (None: the payload goes out alone).
TEXT_WITH = {
    "job": "On it! Job #12: a CNN on the 8x8 digits, 15 epochs.",
    "progress": "Job #12 is running: epoch 9/15, accuracy 0.972, loss 0.0921, val_accuracy 0.958, "
                "val_loss 0.132 (60%).",
    "result": "Job #12 is done. The cnn on digits reached 0.975 validation accuracy.",  # plots follow
    "result_failed": "Job #14 didn't finish. Training diverged (the loss is not a number). Try again "
                     "with another seed.",
    "result_cancelled": "Job #15 was stopped. I stopped it after 600 seconds, the time limit for one "
                        "training. Try fewer epochs or a smaller model and ask again.",
    "cancelled": "Cancelled job #16. Nothing more will arrive from it. Ask me to train again whenever "
                 "you like.",
    "models": "Your trained models, newest first:\n- #12 image classifier (digits): validation accuracy "
              "0.975\n- #7 hello neuron (y = 2x - 1): final loss 4.32e-06",
    "faq": None,  # after the answer's own message
    "lesson": None,  # after the lesson turn's messages
    "staff": None,  # a staff answer or reply goes out alone (actions/staff_message.py)
}


SCHEMA = jsonschema.Draft202012Validator(json.loads((ROOT / "web" / "payloads.schema.json").read_text()))


def payload(name: str) -> dict:
    """A shared fixture, checked against the payload contract first: a fixture outside it would
    test a message no action can send."""
    data = json.loads((PAYLOADS / f"{name}.json").read_text())
    SCHEMA.validate(data)
    return data


def custom(name: str, text: str | None = None, **changes) -> dict:
    """The Rasa message an action sends: `json_message={"data": payload}`, with its text."""
    return {**({"text": text} if text else {}), "custom": {"data": {**payload(name), **changes}}}


def sections(rendered: dict) -> list[str]:
    return [b["text"]["text"] for b in rendered["blocks"] if b["type"] == "section" and b.get("text")]


def test_renderer_imports_only_the_standard_library():
    """It loads wherever the connector loads: Rasa's venv, the app venv, the Rasa image (bot/ only)."""
    tree = ast.parse((ROOT / "bot" / "slack_blocks.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and imported <= set(sys.stdlib_module_names)


def test_every_fixture_has_the_text_its_producer_sends_with_it():
    assert {path.stem for path in PAYLOADS.glob("*.json")} == set(TEXT_WITH)


# --- plain messages ------------------------------------------------------------------------------

MESSAGES = {
    "link": {"text": f"Job #3 is done. Downloads: [TFLite model]({URL}/m.tflite) · "
                     f"[TF.js model (model.json)]({URL}/tfjs/model.json)"},
    "escape": {"text": "MAE < naive & **best** > 0"},
    "heading": {"text": f"## Your results\nsee [a|b]({URL}/x.png)"},
    "buttons": {"text": "Hi! I'm Tutor.", "buttons": [{"title": "Train a neuron on y = 2x - 1",
                                                       "payload": "/train_neuron"},
                                                      {"title": "What can you do?", "payload": "/help"}]},
    "quick_replies": {"text": "Which one?",
                      "quick_replies": [{"title": "digits"}, {"title": "", "payload": ""}]},
    "many_buttons": {"text": "Pick", "buttons": [{"title": f"t{i}", "payload": f"p{i}"} for i in range(30)]},
    "long_title": {"text": "x", "buttons": [{"title": "a" * 100, "payload": "/faq{\"faq_id\":\"x\"}"}]},
    "image": {"image": f"{URL}/loss.png"},
    "image_attachment": {"attachment": {"type": "image", "payload": {"src": f"{URL}/curves.png"}}},
    "file_attachment": {"attachment": {"type": "file", "payload": {"src": f"{URL}/model.keras"}}},
    "long_text": {"text": "\n".join(["a line of about forty characters, ok.."] * 200)},
    "raw_slack": {"custom": {"blocks": [{"type": "divider"}], "text": "raw"}},
    "raw_slack_text": {"custom": {"text": "raw **text**", "channel": "C1", "thread_ts": "1.1",
                                  "icon_emoji": ":x:"}},
    "empty": {},
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_plain_message_renders_within_slacks_block_kit_limits(name):
    rendered = render(MESSAGES[name])
    if rendered is not None:
        assert _block_kit_errors(rendered["blocks"]) == []
        assert rendered["text"]  # the notification fallback


def test_markdown_links_become_slack_links_in_a_mrkdwn_section():
    block = render(MESSAGES["link"])["blocks"][0]
    assert block["type"] == "section" and block["text"]["type"] == "mrkdwn"
    assert f"<{URL}/m.tflite|TFLite model>" in block["text"]["text"]
    assert f"<{URL}/tfjs/model.json|TF.js model (model.json)>" in block["text"]["text"]


def test_slack_control_characters_are_escaped_and_bold_is_converted():
    assert sections(render(MESSAGES["escape"])) == ["MAE &lt; naive &amp; *best* &gt; 0"]


def test_headings_become_bold_lines_and_a_pipe_in_a_link_label_becomes_a_slash():
    assert sections(render(MESSAGES["heading"])) == [f"*Your results*\nsee <{URL}/x.png|a/b>"]


def test_buttons_become_an_actions_block_whose_values_are_the_payloads():
    blocks = render(MESSAGES["buttons"])["blocks"]
    assert [b["type"] for b in blocks] == ["section", "actions"]
    assert [(e["text"]["text"], e["value"]) for e in blocks[1]["elements"]] == [
        ("Train a neuron on y = 2x - 1", "/train_neuron"), ("What can you do?", "/help")]


def test_quick_replies_are_buttons_and_one_with_neither_title_nor_payload_is_dropped():
    actions = render(MESSAGES["quick_replies"])["blocks"][1]
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [("digits", "digits")]


def test_more_than_25_buttons_are_split_over_actions_blocks():
    actions = [b for b in render(MESSAGES["many_buttons"])["blocks"] if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]


def test_long_button_titles_are_cut_to_75_characters_and_keep_their_payload():
    button = render(MESSAGES["long_title"])["blocks"][1]["elements"][0]
    assert len(button["text"]["text"]) == 75 and button["value"] == '/faq{"faq_id":"x"}'


def test_images_become_image_blocks_with_the_artifact_url():
    assert render(MESSAGES["image"])["blocks"] == [
        {"type": "image", "image_url": f"{URL}/loss.png", "alt_text": "loss.png"}]


def test_an_image_attachment_is_an_image_block_and_any_other_attachment_passes_through():
    assert render(MESSAGES["image_attachment"])["blocks"] == [
        {"type": "image", "image_url": f"{URL}/curves.png", "alt_text": "curves.png"}]
    other = render(MESSAGES["file_attachment"])
    assert other["blocks"] == [] and other["attachments"] == [MESSAGES["file_attachment"]["attachment"]]


def test_long_text_is_split_into_sections_of_at_most_3000_characters():
    parts = sections(render(MESSAGES["long_text"]))
    assert len(parts) == 3 and all(len(p) <= 3000 for p in parts)
    assert "\n".join(parts) == MESSAGES["long_text"]["text"]


def test_a_raw_slack_custom_message_is_passed_through():
    assert render(MESSAGES["raw_slack"])["blocks"] == [{"type": "divider"}]


def test_a_raw_slack_custom_message_keeps_its_arguments_but_never_its_channel_or_thread():
    rendered = render(MESSAGES["raw_slack_text"])
    assert sections(rendered) == ["raw *text*"] and rendered["icon_emoji"] == ":x:"
    assert "channel" not in rendered and "thread_ts" not in rendered  # the connector sets those


# --- Tutor's custom payloads (tests/fixtures/payloads) -----------------------------------------

@pytest.mark.parametrize("name", sorted(TEXT_WITH))
@pytest.mark.parametrize("with_text", [False, True], ids=["alone", "with text"])
def test_every_payload_fixture_renders_within_slacks_block_kit_limits(name, with_text):
    rendered = render(custom(name, (TEXT_WITH[name] or "Some text.") if with_text else None))
    if rendered is not None:
        assert _block_kit_errors(rendered["blocks"]) == []
        assert rendered["text"]


def test_a_result_payload_is_a_summary_with_at_most_10_metric_fields():
    result = payload("result")
    assert len(result["metrics"]) > 10
    block = render(custom("result"))["blocks"][0]
    assert block["text"]["text"] == f"*Job #12 (vision): finished.*\n{result['summary']}"
    fields = [f["text"] for f in block["fields"]]
    assert fields[:3] == ["*val_accuracy*\n0.975", "*train_accuracy*\n0.991", "*val_loss*\n0.08935"]
    assert len(fields) == 10


def test_result_metrics_render_as_fields_in_their_order_and_extras_do_not():
    fields = [f["text"].split("\n")[0] for f in render(custom("result"))["blocks"][0]["fields"]]
    assert fields == [f"*{name}*" for name in list(payload("result")["metrics"])[:10]]
    assert not any(extra in f for f in fields for extra in ("diagnosis", "coaching", "confusions"))


def test_only_scalar_metrics_become_fields_and_whole_numbers_stay_whole():
    metrics = {"epochs": 15, "per_digit": {"0": 1.0}, "augmented": False, "val_loss": 0.0893516167998314}
    fields = render(custom("result", metrics=metrics))["blocks"][0]["fields"]
    assert [f["text"] for f in fields] == ["*epochs*\n15", "*val_loss*\n0.08935"]
    assert not any("per_digit" in f["text"] for f in fields)


def test_a_result_without_metrics_or_summary_is_just_its_headline():
    block = render(custom("result", metrics={}, summary=None))["blocks"][0]
    assert block == {"type": "section", "text": {"type": "mrkdwn", "text": "*Job #12 (vision): finished.*"}}


def test_failed_result_and_progress_add_nothing_to_their_text_and_speak_alone():
    failed = TEXT_WITH["result_failed"]
    assert sections(render(custom("result_failed", failed))) == [failed]
    assert sections(render(custom("result_failed"))) == [
        "Job #14 (vision) failed: Training diverged (the loss is not a number). Try again with another seed."]
    assert sections(render(custom("progress", TEXT_WITH["progress"]))) == [TEXT_WITH["progress"]]
    assert sections(render(custom("progress"))) == [
        "Job #12 (vision) is running: epoch 9/15, accuracy 0.972, loss 0.0921, val_accuracy 0.958, "
        "val_loss 0.132 (60%)."]


def test_a_cancelled_result_adds_nothing_to_its_text_and_alone_says_why_it_stopped():
    text = TEXT_WITH["result_cancelled"]
    assert sections(render(custom("result_cancelled", text))) == [text]
    assert sections(render(custom("result_cancelled"))) == [
        "Job #15 (textgen) cancelled: I stopped it after 600 seconds, the time limit for one training. "
        "Try fewer epochs or a smaller model and ask again."]


def test_a_failed_result_without_an_error_still_says_it_failed():
    assert sections(render(custom("result_failed", error=None))) == ["Job #14 (vision) failed."]


def test_progress_without_a_note_says_working():
    assert sections(render(custom("progress", progress=0.0, note=None))) == [
        "Job #12 (vision) is running: working (0%)."]


def test_machine_readable_payloads_alone_post_nothing():
    assert render(custom("faq")) is None and render(MESSAGES["empty"]) is None
    assert sections(render(custom("job", TEXT_WITH["job"]))) == [TEXT_WITH["job"]]


@pytest.mark.parametrize("name", ["job", "cancelled", "models", "faq", "lesson"])
def test_job_cancelled_models_faq_and_lesson_payloads_add_nothing_to_their_text(name):
    """They are machine-readable twins of their message's text (the web widget draws them)."""
    assert render(custom(name)) is None
    text = TEXT_WITH[name] or "Some text."
    rendered = render(custom(name, text))
    assert [b["type"] for b in rendered["blocks"]] == ["section"]
    assert rendered["text"] == rendered["blocks"][0]["text"]["text"]


def test_code_blocks_stay_code_in_slack_with_comments_and_powers_untouched():
    from bot.slack_blocks import to_mrkdwn

    text = ("**Fix**: scale the pixels.\n```python\n# scale pixels\nx = x / 255.0\n"
            "y = a**2 if a < b else 0\n```\nThen **fit**.")
    out = to_mrkdwn(text)
    assert "```\n# scale pixels\nx = x / 255.0\ny = a**2 if a &lt; b else 0\n```" in out
    assert out.startswith("*Fix*") and out.endswith("Then *fit*.")
    assert "python" not in out  # Slack would print the language tag as code


def test_a_long_code_block_split_across_sections_is_closed_and_reopened():
    from bot.slack_blocks import MAX_SECTION_TEXT, text_blocks

    code = "\n".join(f"value_{i} = {i} ** 2" for i in range(400))
    blocks = text_blocks(f"intro\n```\n{code}\n```\nend")
    texts = [b["text"]["text"] for b in blocks]
    assert len(texts) > 1 and all(len(t) <= MAX_SECTION_TEXT for t in texts)
    assert all(t.count("```") % 2 == 0 for t in texts)  # every section's code block is whole
    assert "\n".join(t.replace("```\n", "").replace("\n```", "") for t in texts).count("value_") == 400


def test_a_result_with_its_text_is_one_message_saying_the_text_once_plus_its_metric_fields():
    """One rendering per result: the action sends the text and the card as one message."""
    text = TEXT_WITH["result"]
    rendered = render(custom("result", text))
    assert sections(rendered) == [text]
    assert [b["type"] for b in rendered["blocks"]] == ["section", "section"]
    assert rendered["blocks"][1]["fields"][0]["text"] == "*val_accuracy*\n0.975"
    assert "finished" not in str(rendered["blocks"])
    assert str(rendered).count("0.975 validation accuracy") == 2  # the section and the notification text


def test_a_result_card_alone_says_its_own_text_and_keeps_its_code_block():
    code = "Job #12 is done. Load it:\n```python\nmodel = keras.models.load_model('model.keras')\n```"
    block = render({"custom": {"data": {**payload("result"), "text": code}}})["blocks"][0]
    assert block["text"]["text"] == ("*Job #12 (vision): finished.*\nJob #12 is done. Load it:\n"
                                     "```\nmodel = keras.models.load_model('model.keras')\n```")


def test_a_staff_message_is_labelled_as_from_course_staff_above_its_text():
    rendered = render(custom("staff"))
    label, *rest = rendered["blocks"]
    assert label == {"type": "context", "elements": [{"type": "mrkdwn", "text": "*Course staff*"}]}
    assert sections(rendered)[0].startswith("Course staff answered your question")
    assert _block_kit_errors(rendered["blocks"]) == [] and rest
