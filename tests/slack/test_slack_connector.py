"""bot/slack_connector.py without the stack: signature and age checks, retry dedupe, threads and
configuration. The connector imports Rasa, so each check runs in Rasa's venv and hands its answer
back. (Its Block Kit rendering, bot/slack_blocks.py, is tested in test_slack_blocks.py, its
output channel, bot/slack_bot.py, in test_slack_bot.py.)"""

import json
import subprocess
import textwrap
import time

import pytest

from tests.conftest import ROOT
from tests.slack.fake_slack import sign
from tests.slack.rasa_venv import RASA_PYTHON, in_rasa_venv

pytestmark = pytest.mark.rasa


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
