"""bot/slack_bot.py without the stack: each Rasa message is one post in the learner's thread, and a
post Slack refuses is logged, not raised. Runs in Rasa's venv (tests/slack/rasa_venv.py)."""

import json

import pytest

from tests.slack.rasa_venv import in_rasa_venv

pytestmark = pytest.mark.rasa


def test_the_output_channel_posts_what_the_renderer_makes_in_the_learners_thread():
    """bot/slack_blocks.py loads from the connector in Rasa's venv, and each Rasa message is one post."""
    out = in_rasa_venv("""
        import asyncio, json
        from bot import slack_blocks
        from bot.slack_connector import SlackInput

        class Client:
            posted = []
            async def chat_postMessage(self, **kwargs):
                self.posted.append(kwargs)

        async def main():
            slack = SlackInput.from_credentials({"slack_token": "xoxb-1", "slack_signing_secret": "s"})
            bot = slack.get_output_channel("D1", "1.5")
            bot.client = Client()
            message = {"text": "Hi! I'm **Tutor**.", "buttons": [{"title": "Help", "payload": "/help"}]}
            await bot.send_response("U1", message)
            await bot.send_response("U1", {"custom": {"data": {"type": "faq", "faq_id": "neuron"}}})
            print(json.dumps([Client.posted, slack_blocks.render(message)]))
        asyncio.run(main())
    """)
    posted, rendered = json.loads(out)
    assert posted == [{"channel": "D1", "thread_ts": "1.5", **rendered}]  # the faq twin posts nothing


def test_a_post_slack_refuses_does_not_break_the_conversation():
    out = in_rasa_venv("""
        import asyncio
        from slack_sdk.errors import SlackApiError
        from bot.slack_bot import SlackBot

        class Client:
            async def chat_postMessage(self, **kwargs):
                raise SlackApiError("refused", {"ok": False, "error": "channel_not_found"})

        async def main():
            bot = SlackBot("xoxb-1", "C1", None, api_url="http://127.0.0.1:9/api/")
            bot.client = Client()
            await bot.send_text_message("U1", "hello")
            print("went on")
        asyncio.run(main())
    """)
    assert out.strip() == "went on"
