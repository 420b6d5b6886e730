"""Tutor's Slack channel: Rasa 3.6's Slack connector with the fixes Tutor needs (README "Slack").

Named in bot/credentials.yml as `bot.slack_connector.SlackInput`, with Rasa's channel name, so the
request URL stays /webhooks/slack/webhook. Over Rasa's SlackInput/SlackBot:
- `api_url` (TUTOR_SLACK_API_URL) is configurable, so tests can use a local fake Slack;
- off (404, sends nothing) unless token and signing secret are both set, instead of refusing to
  start, so one credentials.yml serves make run, the tests and docker-compose;
- Slack's retries and repeated event ids are dropped, so one message never starts two jobs;
- replies go in the learner's thread, pushed progress and results too;
- each Rasa message is posted as one Block Kit message rendered by bot/slack_blocks.py (pure, so
  it is tested without Rasa) by the output channel in bot/slack_bot.py, and a button click
  becomes the learner's message with its payload;
- requests more than five minutes from now fail the signature check (401) explicitly.
"""

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_bot import DEFAULT_API_URL, Destination, SlackBot
from bot.slack_files import SlackFiles, shared_file

logger = logging.getLogger(__name__)

MAX_REQUEST_AGE_SECONDS = 60 * 5  # Slack's own advice against replayed requests

# `message` subtypes a learner produces; others (edits, joins, bot messages) are not messages to us.
USER_SUBTYPES = {None, "thread_broadcast", "file_share"}


class _Seen:
    """Keys seen in the last `ttl` seconds (Slack retries for up to about an hour)."""

    def __init__(self, ttl: float = 3600.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._keys: OrderedDict[str, float] = OrderedDict()

    def add(self, *keys: str | None) -> bool:
        """Record the keys; False if any of them was seen already (then nothing is recorded)."""
        now = time.monotonic()
        while self._keys and (next(iter(self._keys.values())) < now - self.ttl
                              or len(self._keys) > self.size):
            self._keys.popitem(last=False)
        keys = tuple(k for k in keys if k)
        if any(k in self._keys for k in keys):
            return False
        for key in keys:
            self._keys[key] = now
        return True


def _unescape(text: str) -> str:
    """Slack sends a learner's "<", ">" and "&" escaped; the NLU and settings grammar want them back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class SlackInput(RasaSlackInput):
    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "SlackInput":
        given = credentials or {}
        return cls(
            slack_token=given.get("slack_token") or "",
            slack_signing_secret=given.get("slack_signing_secret") or "",
            api_url=given.get("api_url") or DEFAULT_API_URL, slack_channel=given.get("slack_channel") or None,
            proxy=given.get("proxy") or None, use_threads=given.get("use_threads", True),
            conversation_granularity=given.get("conversation_granularity", "sender"),
            tutor_url=given.get("tutor_url") or "", tutor_token=given.get("tutor_token") or "",
        )

    def __init__(self, slack_token: str, slack_signing_secret: str = "", api_url: str = DEFAULT_API_URL,
                 slack_channel: str | None = None, proxy: str | None = None,
                 use_threads: bool = True, conversation_granularity: str = "sender",
                 tutor_url: str = "", tutor_token: str = "") -> None:
        self.enabled = bool(slack_token and slack_signing_secret)
        # Files learners share go to Tutor's upload route (bot/slack_files.py, issue 17).
        self.files = SlackFiles(AsyncWebClient(slack_token, base_url=api_url, proxy=proxy), slack_token,
                                tutor_url, tutor_token)
        self.api_url = api_url
        self._seen = _Seen()
        self._latest: dict[str, Destination] = {}  # conversation -> where its last message came from
        self._app: Any = None
        super().__init__(
            slack_token, slack_channel, proxy, slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num", use_threads=use_threads,
            slack_signing_secret=slack_signing_secret, conversation_granularity=conversation_granularity,
        )
        if not self.enabled:
            logger.info("Slack channel off: TUTOR_SLACK_BOT_TOKEN and TUTOR_SLACK_SIGNING_SECRET are not "
                        "both set")

    def _validate_credentials(self) -> None:
        pass  # off instead of refusing to start; when on, both token and secret are set

    def is_request_from_slack_authentic(self, request: Request) -> bool:
        # Rasa's check already rejects requests more than 5 minutes from now; made explicit here
        # (and tested) so a Rasa upgrade that drops it cannot open replays.
        try:
            stamp = int(request.headers.get("X-Slack-Request-Timestamp", "0"))
        except ValueError:
            return False
        if abs(time.time() - stamp) > MAX_REQUEST_AGE_SECONDS:
            return False
        return super().is_request_from_slack_authentic(request)

    # -- where replies go

    def get_output_channel(self, channel: str | None = None,
                           thread_id: str | None = None) -> OutputChannel | None:
        if not self.enabled:
            return None
        # Pushed progress and results (trigger_intent?output_channel=latest) come with no channel
        # or thread: SlackBot looks them up when it first sends.
        channel = channel or self.slack_channel
        return SlackBot(self.slack_token, channel, thread_id if self.use_threads else None, self.proxy,
                        self.api_url, resolve=None if channel else self._resolve_destination)

    async def _resolve_destination(self, conversation_id: str) -> Destination:
        """Channel and thread of the conversation's latest Slack message: from the tracker store
        (true across restarts and Rasa replicas), else from this process's memory, else the
        learner's DM (Slack opens it when a user id is the channel)."""
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is not None:
            try:
                for retrieve in (store.retrieve, store.retrieve_full_tracker):
                    tracker = await retrieve(conversation_id)
                    found = self._destination_in(tracker) if tracker else None
                    if found:
                        return found
            except Exception:
                logger.exception("could not read conversation %s to find its Slack thread",
                                 conversation_id)
        return self._latest.get(conversation_id, (None, None))

    def _destination_in(self, tracker: Any) -> Destination | None:
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered) and event.input_channel == self.name():
                metadata = event.metadata or {}
                if metadata.get("out_channel"):
                    return metadata["out_channel"], metadata.get("thread_id") if self.use_threads else None
        return None

    # -- incoming

    async def process_message(self, request: Request,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str,
                              sender_id: str | None, metadata: dict | None) -> HTTPResponse:
        """Hand the message to Rasa in a background task and answer Slack at once (< 3 s)."""
        metadata = metadata or {}
        out_channel, thread_id = metadata.get("out_channel"), metadata.get("thread_id")
        if sender_id and out_channel:
            self._latest[sender_id] = (out_channel, thread_id if self.use_threads else None)
        message = UserMessage(text, self.get_output_channel(out_channel, thread_id), sender_id,
                              input_channel=self.name(), metadata=metadata)
        task = asyncio.create_task(on_new_message(message))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return response.text("")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.listener("after_server_start")
        async def remember_app(app, _loop) -> None:
            self._app = app  # its ctx.agent reads trackers when Rasa pushes a result

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "disabled"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("Slack is not configured", status=HTTPStatus.NOT_FOUND)
            if not self.is_request_from_slack_authentic(request):
                return response.text("Request is not signed by Slack, or is too old",
                                     status=HTTPStatus.UNAUTHORIZED)
            self._app = request.app
            # Rasa would process a retry unless its reason is http_timeout. The first delivery was
            # answered at once (handled in a background task), so a retry follows only a network
            # failure, and processing it again could start a second job.
            if request.headers.get("x-slack-retry-num"):
                logger.info("Slack retry #%s (%s) acknowledged, not processed again",
                            request.headers.get("x-slack-retry-num"),
                            request.headers.get("x-slack-retry-reason"))
                return response.text("", headers={"X-Slack-No-Retry": "1"})
            media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if media_type == "application/json":
                return await self._event(request, on_new_message)
            if media_type == "application/x-www-form-urlencoded":
                return await self._interaction(request, on_new_message)
            return response.text("Unsupported content type", status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)

        return slack_webhook

    async def _event(self, request: Request, on_new_message) -> HTTPResponse:
        try:
            body = json.loads(request.body)
        except ValueError:
            return response.text("Body is not JSON", status=HTTPStatus.BAD_REQUEST)
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge")})
        event = body.get("event") or {}
        shared = shared_file(event) if self.files.enabled else None
        if shared is not None:
            return await self._file(request, on_new_message, body, event, shared)
        if event.get("type") == "message" and event.get("subtype") not in USER_SUBTYPES:
            return response.text("")
        if not self._is_user_message(body):
            return response.text("")  # the bot's own messages, other events
        metadata = {**self._metadata(body, event), "slack_event_id": body.get("event_id"),
                    "ts": event.get("ts")}
        if not self._is_supported_channel(body, metadata):
            return response.text("")
        # One learner message arrives once per event_id, and as `message` and `app_mention`
        # when both are subscribed: process it once.
        if not self._seen.add(body.get("event_id") and f"event:{body['event_id']}",
                              event.get("ts") and f"message:{event.get('channel')}:{event['ts']}"):
            logger.info("Slack event %s seen already, not processed again", body.get("event_id"))
            return response.text("")
        sender = event.get("user", "")
        conversation_id = self._get_conversation_id(sender, metadata["out_channel"], metadata["thread_id"])
        text = _unescape(self._sanitize_user_message(event.get("text", ""), metadata["users"]))
        return await self.process_message(request, on_new_message, text, conversation_id, metadata)

    async def _file(self, request: Request, on_new_message, body: dict, event: dict, shared: dict) -> HTTPResponse:
        """A shared file, taken once (a message with files and its file_shared event name the same
        file) in the background; the learner is the signed event's user."""
        sender = event.get("user") or event.get("user_id") or ""
        channel = event.get("channel") or event.get("channel_id")
        if not sender or not channel or not self._seen.add(f"file:{shared['id']}", body.get("event_id")
                                                           and f"event:{body['event_id']}"):
            return response.text("")
        thread = event.get("thread_ts", event.get("ts"))
        metadata = {**self._metadata(body, event), "out_channel": channel, "thread_id": thread,
                    "slack_event_id": body.get("event_id"), "ts": event.get("ts")}
        conversation_id = self._get_conversation_id(sender, channel, thread)

        async def deliver(text: str) -> None:
            await self.process_message(request, on_new_message, text, conversation_id, metadata)

        task = asyncio.create_task(self.files.take(shared, conversation_id,
                                                   self.get_output_channel(channel, thread), deliver))
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return response.text("")

    async def _interaction(self, request: Request, on_new_message) -> HTTPResponse:
        try:
            payload = json.loads(request.form.get("payload") or "")
        except ValueError:
            return response.text("No interaction payload", status=HTTPStatus.BAD_REQUEST)
        if not self._is_interactive_message(payload):
            return response.text("")  # e.g. a link button: nothing to tell the bot
        action = payload["actions"][0]
        text = self._get_interactive_response(action)
        if text is None:
            return response.text("")
        clicked = action.get("action_ts") or payload.get("trigger_id")
        if not self._seen.add(f"action:{payload.get('user', {}).get('id')}:{clicked}"):
            return response.text("")
        message = payload.get("message") or {}
        container = payload.get("container") or {}
        metadata = {
            "out_channel": (payload.get("channel") or {}).get("id") or container.get("channel_id"),
            "thread_id": message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
                         or container.get("message_ts"),
            "users": [payload["user"]["id"]] if (payload.get("user") or {}).get("id") else [],
        }
        sender = (payload.get("user") or {}).get("id")
        conversation_id = self._get_conversation_id(sender, metadata["out_channel"], metadata["thread_id"])
        return await self.process_message(request, on_new_message, text, conversation_id, metadata)

    @staticmethod
    def _metadata(body: dict, event: dict) -> dict:
        users = list(body.get("authed_users") or [])
        if not users and body.get("authorizations"):
            users.append(body["authorizations"][0].get("user_id"))
        return {"out_channel": event.get("channel"), "thread_id": event.get("thread_ts", event.get("ts")),
                "users": [u for u in users if u]}
