"""Tutor's Slack output channel: each Rasa message is one Block Kit post, in the learner's thread.

Split from bot/slack_connector.py (which takes Slack's events, files and clicks in): this is the
sending half. Rendering is bot/slack_blocks.py (pure, tested without Rasa); this module posts
it, and a post Slack refuses is logged so the conversation goes on. Pushed progress and results
come with no channel, so the first send looks the learner's latest thread up (`resolve`).
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_blocks import render

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"

Destination = tuple[str | None, str | None]  # (Slack channel id, thread_ts)


class SlackBot(RasaSlackBot):
    """Posts each Rasa message as one Block Kit message, in the learner's thread."""

    def __init__(self, token: str, slack_channel: str | None = None, thread_id: str | None = None,
                 proxy: str | None = None, api_url: str = DEFAULT_API_URL,
                 resolve: Callable[[str], Awaitable[Destination]] | None = None) -> None:
        OutputChannel.__init__(self)
        self.slack_channel, self.thread_id, self.proxy = slack_channel, thread_id, proxy
        self.client = AsyncWebClient(
            token, base_url=api_url, proxy=proxy,
            retry_handlers=[AsyncConnectionErrorRetryHandler(),
                            AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )
        self._resolve = resolve  # set when Rasa gave no channel: pushed progress and results

    async def _destination(self, recipient_id: str) -> Destination:
        if self.slack_channel is None and self._resolve is not None:
            self.slack_channel, self.thread_id = await self._resolve(recipient_id)
            self._resolve = None  # one look-up per output channel (one per trigger_intent)
        return self.slack_channel or recipient_id, self.thread_id

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        rendered = render(message)
        if rendered is None:
            return
        channel, thread = await self._destination(recipient_id)
        try:
            await self.client.chat_postMessage(channel=channel, **rendered,
                                               **({"thread_ts": thread} if thread else {}))
        except SlackApiError as exc:
            # A message Slack refuses must not break the conversation: the dialogue goes on.
            logger.error("Slack refused a message to %s: %s", channel, exc.response.get("error"))
        except Exception:  # network
            logger.exception("could not post a message to Slack channel %s", channel)

    # Rasa's single-part senders, for code that calls them directly.
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"image": image})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list,
                                     **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_attachment(self, recipient_id: str, attachment: dict, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"attachment": attachment})

    async def send_custom_json(self, recipient_id: str, json_message: dict, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})
