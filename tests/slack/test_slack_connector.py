"""bot/slack_connector.py without the stack: Block Kit rendering, signature and age checks,
configuration. The connector imports Rasa, so each check runs in Rasa's venv (one process for
all renderings) and hands JSON back."""

import json
import subprocess
import textwrap
import time

import pytest

from tests.conftest import ROOT
from tests.slack.fake_slack import _block_kit_errors, sign

pytestmark = pytest.mark.rasa

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def in_rasa_venv(code: str, stdin: str = "") -> str:
    done = subprocess.run([str(RASA_PYTHON), "-c", textwrap.dedent(code)], input=stdin, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


URL = "http://tutor.example/artifacts/abc"
MESSAGES = {
    "link": {"text": f"Job #3 is done. Downloads: [TFLite model]({URL}/m.tflite) · [TF.js model (model.json)]({URL}/tfjs/model.json)"},
    "escape": {"text": "MAE < naive & **best** > 0"},
    "buttons": {"text": "Hi! I'm Tutor.", "buttons": [{"title": "Train a neuron on y = 2x - 1", "payload": "/train_neuron"},
                                                       {"title": "What can you do?", "payload": "/help"}]},
    "many_buttons": {"text": "Pick", "buttons": [{"title": f"t{i}", "payload": f"p{i}"} for i in range(30)]},
    "long_title": {"text": "x", "buttons": [{"title": "a" * 100, "payload": "/faq{\"faq_id\":\"x\"}"}]},
    "image": {"image": f"{URL}/loss.png"},
    "long_text": {"text": "\n".join(["a line of about forty characters, ok.."] * 200)},
    "result": {"custom": {"data": {"type": "result", "status": "succeeded", "job_id": 7, "skill": "hello_neuron",
                                   "summary": "Learned y = 2x - 1.",
                                   "metrics": {"weight": 1.99812, "bias": -0.99371, "epochs": 500,
                                               "per_digit": {"0": 1.0}, **{f"m{i}": i for i in range(12)}},
                                   "artifacts": [{"kind": "plot", "url": f"{URL}/loss.png"}]}}},
    "failed_with_text": {"text": "Job #8 didn't finish. The loss exploded.",
                         "custom": {"data": {"type": "result", "status": "failed", "job_id": 8, "error": "The loss exploded."}}},
    "failed_alone": {"custom": {"data": {"type": "result", "status": "failed", "job_id": 8, "error": "The loss exploded."}}},
    "progress_with_text": {"text": "Job #7 is running: epoch 100/500 (20%).",
                           "custom": {"data": {"type": "progress", "job_id": 7, "progress": 0.2, "note": "epoch 100/500"}}},
    "progress_alone": {"custom": {"data": {"type": "progress", "job_id": 7, "skill": "vision", "progress": 0.5, "note": "epoch 5/10"}}},
    "faq_payload": {"custom": {"data": {"type": "faq", "faq_id": "x", "score": 0.7}}},
    "job_payload": {"text": "On it! Job #9: 500 epochs.", "custom": {"data": {"type": "job", "job_id": 9, "status": "queued"}}},
    "raw_slack": {"custom": {"blocks": [{"type": "divider"}], "text": "raw"}},
    "empty": {},
}


@pytest.fixture(scope="module")
def rendered():
    out = in_rasa_venv("""
        import json, sys
        from bot.slack_connector import render
        print(json.dumps({name: render(message) for name, message in json.load(sys.stdin).items()}))
    """, json.dumps(MESSAGES))
    return json.loads(out)


def sections(rendered_message):
    return [b["text"]["text"] for b in rendered_message["blocks"] if b["type"] == "section" and b.get("text")]


def test_every_rendering_passes_slacks_block_kit_limits(rendered):
    for name, message in rendered.items():
        if message is not None:
            assert _block_kit_errors(message["blocks"]) == [], name
            assert message["text"], name  # the notification fallback


def test_markdown_links_become_slack_links_in_a_mrkdwn_section(rendered):
    block = rendered["link"]["blocks"][0]
    assert block["type"] == "section" and block["text"]["type"] == "mrkdwn"
    assert f"<{URL}/m.tflite|TFLite model>" in block["text"]["text"]
    assert f"<{URL}/tfjs/model.json|TF.js model (model.json)>" in block["text"]["text"]


def test_slack_control_characters_are_escaped_and_bold_is_converted(rendered):
    assert sections(rendered["escape"]) == ["MAE &lt; naive &amp; *best* &gt; 0"]


def test_buttons_become_an_actions_block_whose_values_are_the_payloads(rendered):
    blocks = rendered["buttons"]["blocks"]
    assert [b["type"] for b in blocks] == ["section", "actions"]
    assert [(e["text"]["text"], e["value"]) for e in blocks[1]["elements"]] == [
        ("Train a neuron on y = 2x - 1", "/train_neuron"), ("What can you do?", "/help")]


def test_more_than_25_buttons_are_split_over_actions_blocks(rendered):
    actions = [b for b in rendered["many_buttons"]["blocks"] if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]


def test_long_button_titles_are_cut_to_75_characters_and_keep_their_payload(rendered):
    button = rendered["long_title"]["blocks"][1]["elements"][0]
    assert len(button["text"]["text"]) == 75 and button["value"] == '/faq{"faq_id":"x"}'


def test_images_become_image_blocks_with_the_artifact_url(rendered):
    assert rendered["image"]["blocks"] == [{"type": "image", "image_url": f"{URL}/loss.png", "alt_text": "loss.png"}]


def test_long_text_is_split_into_sections_of_at_most_3000_characters(rendered):
    parts = sections(rendered["long_text"])
    assert len(parts) == 3 and all(len(p) <= 3000 for p in parts)
    assert "\n".join(parts) == MESSAGES["long_text"]["text"]


def test_a_result_payload_is_a_summary_with_at_most_10_metric_fields(rendered):
    block = rendered["result"]["blocks"][0]
    assert block["text"]["text"] == "*Job #7 (hello neuron): finished.*\nLearned y = 2x - 1."
    fields = [f["text"] for f in block["fields"]]
    assert fields[:3] == ["*weight*\n1.998", "*bias*\n-0.9937", "*epochs*\n500"]
    assert len(fields) == 10 and not any("per_digit" in f for f in fields)


def test_failed_result_and_progress_add_nothing_to_their_text_and_speak_alone(rendered):
    assert sections(rendered["failed_with_text"]) == ["Job #8 didn't finish. The loss exploded."]
    assert sections(rendered["failed_alone"]) == ["Job #8 failed: The loss exploded."]
    assert sections(rendered["progress_with_text"]) == ["Job #7 is running: epoch 100/500 (20%)."]
    assert sections(rendered["progress_alone"]) == ["Job #7 (vision) is running: epoch 5/10 (50%)."]


def test_machine_readable_payloads_alone_post_nothing(rendered):
    assert rendered["faq_payload"] is None and rendered["empty"] is None
    assert sections(rendered["job_payload"]) == ["On it! Job #9: 500 epochs."]


def test_a_raw_slack_custom_message_is_passed_through(rendered):
    assert rendered["raw_slack"]["blocks"] == [{"type": "divider"}]


def test_signature_is_checked_and_requests_older_than_5_minutes_are_rejected():
    now = int(time.time())
    body = b'{"type":"event_callback","event":{"type":"message","text":"hi"}}'
    cases = {
        "fresh": (now, sign("s3cret", now, body)),
        "4 min old": (now - 240, sign("s3cret", now - 240, body)),
        "6 min old": (now - 360, sign("s3cret", now - 360, body)),
        "6 min ahead": (now + 360, sign("s3cret", now + 360, body)),
        "wrong secret": (now, sign("other", now, body)),
        "body changed": (now, sign("s3cret", now, body + b" ")),
        "no signature": (now, ""),
        "bad timestamp": ("soon", sign("s3cret", "soon", body)),
    }
    out = in_rasa_venv(f"""
        import json
        from types import SimpleNamespace
        from bot.slack_connector import SlackInput
        slack = SlackInput.from_credentials({{"slack_token": "xoxb-1", "slack_signing_secret": "s3cret"}})
        cases = json.loads({json.dumps(json.dumps(cases))})
        body = {body!r}
        print(json.dumps({{name: slack.is_request_from_slack_authentic(SimpleNamespace(
            headers={{"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sig}}, body=body))
            for name, (ts, sig) in cases.items()}}))
    """)
    assert json.loads(out) == {"fresh": True, "4 min old": True, "6 min old": False, "6 min ahead": False,
                               "wrong secret": False, "body changed": False, "no signature": False,
                               "bad timestamp": False}


def test_slack_is_off_without_token_and_secret_and_uses_the_configured_api_url():
    out = in_rasa_venv("""
        from bot.slack_connector import SlackInput
        off = SlackInput.from_credentials({"slack_token": "", "slack_signing_secret": "", "api_url": ""})
        half = SlackInput.from_credentials({"slack_token": "xoxb-1", "slack_signing_secret": ""})
        on = SlackInput.from_credentials({"slack_token": "xoxb-1", "slack_signing_secret": "s",
                                          "api_url": "http://127.0.0.1:9/api/"})
        bot = on.get_output_channel("D1", "1700000000.000100")
        print(off.enabled, half.enabled, off.get_output_channel(), on.enabled, on.name(),
              bot.client.base_url, bot.slack_channel, bot.thread_id)
    """)
    assert out.split() == ["False", "False", "None", "True", "slack", "http://127.0.0.1:9/api/", "D1",
                           "1700000000.000100"]


def test_event_ids_and_messages_are_processed_once():
    out = in_rasa_venv("""
        from bot.slack_connector import _Seen
        seen = _Seen(ttl=60)
        print(seen.add("event:Ev1", "message:D1:1.1"), seen.add("event:Ev1", "message:D1:1.1"),
              seen.add("event:Ev2", "message:D1:1.1"), seen.add("event:Ev3", "message:D1:1.2"))
    """)
    assert out.split() == ["True", "False", "False", "True"]


def test_credentials_file_reads_only_variables_make_run_passes_to_rasa():
    import re

    from tutor.settings import Settings

    credentials = (ROOT / "bot" / "credentials.yml").read_text()
    needed = set(re.findall(r"\$\{(\w+)\}", credentials))
    assert {"TUTOR_SLACK_BOT_TOKEN", "TUTOR_SLACK_SIGNING_SECRET", "TUTOR_SLACK_API_URL"} <= needed
    assert needed <= set(Settings().child_env())


def test_slack_settings_come_from_the_environment(monkeypatch):
    from tutor.settings import Settings

    for name in ("TUTOR_SLACK_BOT_TOKEN", "TUTOR_SLACK_SIGNING_SECRET", "TUTOR_SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    assert not Settings().slack_enabled
    assert Settings().child_env()["TUTOR_SLACK_API_URL"] == "https://slack.com/api/"
    monkeypatch.setenv("TUTOR_SLACK_BOT_TOKEN", "xoxb-1")
    assert not Settings().slack_enabled
    monkeypatch.setenv("TUTOR_SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("TUTOR_SLACK_API_URL", "http://127.0.0.1:9/api/")
    settings = Settings()
    assert settings.slack_enabled
    env = settings.child_env()
    assert (env["TUTOR_SLACK_BOT_TOKEN"], env["TUTOR_SLACK_SIGNING_SECRET"], env["TUTOR_SLACK_API_URL"]) == (
        "xoxb-1", "s", "http://127.0.0.1:9/api/")


def test_pushed_messages_find_the_learners_latest_slack_thread_in_the_tracker_store():
    """trigger_intent?output_channel=latest gives the connector no channel or thread: it reads
    them from the conversation's latest Slack message, not the external event after it."""
    out = in_rasa_venv("""
        import asyncio
        from types import SimpleNamespace
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain
        from rasa.shared.core.events import UserUttered, BotUttered
        from rasa.shared.core.trackers import DialogueStateTracker
        from bot.slack_connector import SlackInput

        async def main():
            store = InMemoryTrackerStore(Domain.empty())
            tracker = DialogueStateTracker("U1", [])
            tracker.update(UserUttered("hi", input_channel="slack",
                                       metadata={"out_channel": "D1", "thread_id": "1.1", "users": []}))
            tracker.update(UserUttered("hi", input_channel="socketio", metadata={}))
            tracker.update(UserUttered("train", input_channel="slack",
                                       metadata={"out_channel": "C9", "thread_id": "2.5", "users": []}))
            tracker.update(BotUttered("On it!"))
            tracker.update(UserUttered.create_external("EXTERNAL_job_result", [], "slack"))
            await store.save(tracker)
            slack = SlackInput.from_credentials({"slack_token": "xoxb-1", "slack_signing_secret": "s"})
            slack._app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store)))
            bot = slack.get_output_channel()  # what Rasa's trigger_intent endpoint calls
            print(*(await bot._destination("U1")))
            print(*(await slack._resolve_destination("nobody")))
        asyncio.run(main())
    """)
    assert out.split("\n")[:2] == ["C9 2.5", "None None"]


def test_slack_off_answers_404_and_reports_disabled(tmp_path):
    """With an empty token or secret the channel is registered but inert."""
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = tmp_path / "serve.py"
    script.write_text(textwrap.dedent(f"""
        from sanic import Sanic
        from bot.slack_connector import SlackInput

        async def on_new_message(message):
            raise AssertionError("an inert channel must not pass messages on")

        app = Sanic("slack_off")
        channel = SlackInput.from_credentials({{"slack_token": "", "slack_signing_secret": ""}})
        app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/slack")
        app.run(host="127.0.0.1", port={port}, access_log=False, motd=False)
    """))
    server = subprocess.Popen([str(RASA_PYTHON), str(script)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    try:
        base = f"http://127.0.0.1:{port}/webhooks/slack"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/")
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()
                time.sleep(0.2)
        assert health.json() == {"status": "disabled"}
        now = int(time.time())
        body = b'{"type":"url_verification","challenge":"x"}'
        answer = httpx.post(f"{base}/webhook", content=body, headers={
            "Content-Type": "application/json", "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": sign("", now, body)})
        assert answer.status_code == 404
    finally:
        server.terminate()
        server.wait(10)


def test_learner_text_is_unescaped_and_the_bots_mention_removed():
    out = in_rasa_venv("""
        from bot.slack_connector import SlackInput, _unescape
        text = "<@UBOT> train with lr &lt; 0.1 &amp; 300 epochs, see <https://x.org/a|x.org>"
        print(_unescape(SlackInput._sanitize_user_message(text, ["UBOT"])))
    """)
    assert out.strip() == "train with lr < 0.1 & 300 epochs, see x.org"
