"""Tutor's Slack channel: Rasa 3.6's Slack connector with the fixes Tutor needs.

Listed in bot/credentials.yml as `bot.slack_connector.SlackInput`; it keeps Rasa's channel name
"slack", so Slack's request URL stays /webhooks/slack/webhook. Over Rasa's SlackInput/SlackBot:

- **Configurable Web API URL** (`api_url`, TUTOR_SLACK_API_URL): Rasa's SlackBot always calls
  https://slack.com/api/; tests point this one at a local fake Slack.
- **Off unless configured.** The entry is always in credentials.yml (so make run, tests and
  docker-compose share one file); with an empty token or signing secret the channel answers 404
  and sends nothing, instead of refusing to start like Rasa's.
- **Retries never run twice.** Rasa processes a Slack retry unless its reason is http_timeout;
  here every retry (X-Slack-Retry-Num) is acknowledged with 200 and dropped, and a repeated
  event_id (or the same message seen as `message` and `app_mention`) is processed once. The first
  delivery is always answered at once (messages are handled in a background task), so a retry
  only follows a network failure.
- **Replies in the learner's thread, pushed ones too.** Progress and results arrive later via
  `trigger_intent?output_channel=latest`, for which Rasa builds the output channel with no
  channel or thread. This connector then reads them from the conversation's latest Slack
  message metadata in the tracker store (falling back to what it saw in this process).
- **Block Kit rendering of one whole Rasa message**: text as mrkdwn sections (markdown links
  become <url|label>), images as image blocks, buttons as an actions block whose values are the
  payloads, Tutor's custom payloads (`{"data": {"type": "result" | "progress", ...}}`) as a
  summary with metric fields. Clicking a button arrives as a `block_actions` interaction and
  becomes the user message with that payload.
- Signature check as Rasa's (v0 HMAC-SHA256 over "v0:{ts}:{body}", requests more than five
  minutes from now rejected), answered with 401.
"""

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
MAX_REQUEST_AGE_SECONDS = 60 * 5  # Slack's own advice against replayed requests

# Block Kit limits (https://api.slack.com/reference/block-kit)
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ALT_TEXT = 2000
MAX_FALLBACK_TEXT = 4000

# `message` subtypes a learner produces; others (edits, joins, bot messages) are not messages to us.
USER_SUBTYPES = {None, "thread_broadcast", "file_share"}


# --- Rendering: plain functions, no Rasa or Slack client state (unit-tested) --------------------

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)


def _escape(text: str) -> str:
    """Slack's three control characters (https://api.slack.com/reference/surfaces/formatting)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Markdown as Tutor's actions write it -> Slack mrkdwn: [label](url) -> <url|label>,
    **bold** -> *bold*, headings -> bold lines; everything else escaped."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(_escape(text[last:match.start()]))
        label = _escape(match.group(1)).replace("|", "/")
        parts.append(f"<{match.group(2)}|{label}>")
        last = match.end()
    parts.append(_escape(text[last:]))
    out = "".join(parts)
    out = _HEADING.sub(r"*\1*", out)
    return _BOLD.sub(r"*\1*", out)


def _chunks(text: str, size: int) -> list[str]:
    """Split at line breaks (or hard, for one long line) into pieces of at most `size`."""
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def text_blocks(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}}
            for piece in _chunks(to_mrkdwn(text.strip()), MAX_SECTION_TEXT) if piece.strip()]


def image_block(url: str, alt: Optional[str] = None) -> dict:
    alt = (alt or url.rsplit("/", 1)[-1] or "image")[:MAX_ALT_TEXT]
    return {"type": "image", "image_url": url, "alt_text": alt}


def button_blocks(buttons: list[dict]) -> list[dict]:
    """Rasa buttons -> actions blocks (25 buttons each); a button's value is its payload."""
    elements = []
    for index, button in enumerate(buttons):
        payload = str(button.get("payload") or button.get("title") or "")
        if not payload:
            continue
        elements.append({
            "type": "button",
            "action_id": f"tutor_button_{index}",  # unique within the message, as Slack requires
            "text": {"type": "plain_text", "text": str(button.get("title") or payload)[:MAX_BUTTON_TEXT],
                     "emoji": True},
            "value": payload[:MAX_BUTTON_VALUE],
        })
    return [{"type": "actions", "elements": elements[i:i + MAX_ACTIONS]}
            for i in range(0, len(elements), MAX_ACTIONS)]


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def metric_fields(metrics: dict) -> list[dict]:
    """Scalar metrics as section fields (Slack allows 10); nested values stay in the web page."""
    fields = [{"type": "mrkdwn", "text": f"*{_escape(str(name))}*\n{_escape(_number(value))}"[:MAX_FIELD_TEXT]}
              for name, value in metrics.items()
              if isinstance(value, (int, float, str)) and not isinstance(value, bool)]
    return fields[:MAX_FIELDS]


def _job_title(payload: dict) -> str:
    skill = str(payload.get("skill") or "").replace("_", " ")
    return f"Job #{payload.get('job_id')}" + (f" ({skill})" if skill else "")


def custom_blocks(custom: Any, has_text: bool) -> tuple[list[dict], dict]:
    """Blocks for a custom payload, and extra chat.postMessage arguments.

    Tutor's payloads come as {"data": {...}} (README, Architecture). A result becomes a short
    summary with its metrics as fields; progress, when no text came with it, a line of text. The
    other types (job, faq, models, cancelled) are machine-readable twins of the message's text
    and add nothing in Slack. Anything else is taken as Slack message arguments, as Rasa does.
    """
    if not isinstance(custom, dict):
        return [], {}
    payload = custom.get("data")
    if isinstance(payload, dict) and "type" in payload:
        kind = payload["type"]
        if kind == "result" and payload.get("status") == "succeeded":
            lines = [f"*{_escape(_job_title(payload))}: finished.*"]
            if payload.get("summary"):
                lines.append(to_mrkdwn(str(payload["summary"])))
            block: dict = {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:MAX_SECTION_TEXT]}}
            fields = metric_fields(payload.get("metrics") or {})
            if fields:
                block["fields"] = fields
            return [block], {}
        if kind == "result" and not has_text:
            error = f": {payload['error']}" if payload.get("error") else "."
            return text_blocks(f"{_job_title(payload)} {payload.get('status', 'ended')}{error}"), {}
        if kind == "progress" and not has_text:
            percent = round(float(payload.get("progress") or 0) * 100)
            note = payload.get("note") or "working"
            return text_blocks(f"{_job_title(payload)} is running: {note} ({percent}%)."), {}
        return [], {}
    if isinstance(payload, dict):
        return [], {}
    # Rasa's convention: a custom message is chat.postMessage arguments (blocks, attachments...).
    extra = {k: v for k, v in custom.items() if k not in ("channel", "as_user", "thread_ts", "blocks", "text")}
    return list(custom.get("blocks") or []) + ([] if custom.get("blocks") or not custom.get("text")
                                              else text_blocks(str(custom["text"]))), extra


def _plain(blocks: list[dict]) -> str:
    for block in blocks:
        if block.get("type") == "section" and block.get("text"):
            return block["text"]["text"]
        if block.get("type") == "image":
            return block["alt_text"]
    return ""


def render(message: dict) -> Optional[dict]:
    """One Rasa bot message (text, image, buttons, quick_replies, attachment, custom) -> the
    arguments of one chat.postMessage (`text` is the notification fallback), or None if it says
    nothing Slack can show."""
    blocks: list[dict] = []
    extra: dict = {}
    text = (message.get("text") or "").strip()
    if text:
        blocks += text_blocks(text)
    if message.get("image"):
        blocks.append(image_block(str(message["image"])))
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if buttons:
        blocks += button_blocks(buttons)
    attachment = message.get("attachment")
    if isinstance(attachment, dict) and attachment.get("type") == "image":
        src = (attachment.get("payload") or {}).get("src")
        if src:
            blocks.append(image_block(str(src)))
    elif isinstance(attachment, dict):
        extra["attachments"] = [attachment]
    if message.get("custom"):
        more, more_extra = custom_blocks(message["custom"], has_text=bool(text))
        blocks += more
        extra.update(more_extra)
    if not blocks and not extra:
        return None
    fallback = to_mrkdwn(text) if text else _plain(blocks)
    return {"text": (fallback or "Tutor")[:MAX_FALLBACK_TEXT], "blocks": blocks[:MAX_BLOCKS], **extra}


# --- Output channel --------------------------------------------------------------------------

Destination = tuple[Optional[str], Optional[str]]  # (Slack channel id, thread_ts)


class SlackBot(RasaSlackBot):
    """Posts each Rasa message as one Block Kit message, in the learner's thread."""

    def __init__(self, token: str, slack_channel: Optional[str] = None, thread_id: Optional[str] = None,
                 proxy: Optional[str] = None, api_url: str = DEFAULT_API_URL,
                 resolve: Optional[Callable[[str], Awaitable[Destination]]] = None) -> None:
        OutputChannel.__init__(self)
        self.slack_channel = slack_channel
        self.thread_id = thread_id
        self.proxy = proxy
        self.client = AsyncWebClient(
            token, base_url=api_url, proxy=proxy,
            retry_handlers=[AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
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

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_attachment(self, recipient_id: str, attachment: dict, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"attachment": attachment})

    async def send_custom_json(self, recipient_id: str, json_message: dict, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"custom": json_message})


# --- Input channel ---------------------------------------------------------------------------


class _Seen:
    """Keys seen in the last `ttl` seconds (Slack retries for up to about an hour)."""

    def __init__(self, ttl: float = 3600.0, size: int = 10_000) -> None:
        self.ttl, self.size = ttl, size
        self._keys: OrderedDict[str, float] = OrderedDict()

    def add(self, *keys: Optional[str]) -> bool:
        """Record the keys; False if any of them was seen already (then nothing is recorded)."""
        now = time.monotonic()
        while self._keys and (next(iter(self._keys.values())) < now - self.ttl or len(self._keys) > self.size):
            self._keys.popitem(last=False)
        keys = tuple(k for k in keys if k)
        if any(k in self._keys for k in keys):
            return False
        for key in keys:
            self._keys[key] = now
        return True


def _unescape(text: str) -> str:
    """Slack sends a learner's "<", ">" and "&" escaped; the NLU and the settings grammar want them back."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


class SlackInput(RasaSlackInput):
    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "SlackInput":
        credentials = credentials or {}
        return cls(
            slack_token=credentials.get("slack_token") or "",
            slack_signing_secret=credentials.get("slack_signing_secret") or "",
            api_url=credentials.get("api_url") or DEFAULT_API_URL,
            slack_channel=credentials.get("slack_channel") or None,
            proxy=credentials.get("proxy") or None,
            use_threads=credentials.get("use_threads", True),
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
        )

    def __init__(self, slack_token: str, slack_signing_secret: str = "", api_url: str = DEFAULT_API_URL,
                 slack_channel: Optional[str] = None, proxy: Optional[str] = None,
                 use_threads: bool = True, conversation_granularity: str = "sender") -> None:
        self.enabled = bool(slack_token and slack_signing_secret)
        self.api_url = api_url
        self._seen = _Seen()
        self._latest: dict[str, Destination] = {}  # conversation -> where its last message came from
        self._app: Any = None
        super().__init__(
            slack_token, slack_channel, proxy,
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            use_threads=use_threads, slack_signing_secret=slack_signing_secret,
            conversation_granularity=conversation_granularity,
        )
        if not self.enabled:
            logger.info("Slack channel off: TUTOR_SLACK_BOT_TOKEN and TUTOR_SLACK_SIGNING_SECRET are not both set")

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

    def get_output_channel(self, channel: Optional[str] = None,
                           thread_id: Optional[str] = None) -> Optional[OutputChannel]:
        if not self.enabled:
            return None
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
                logger.exception("could not read conversation %s to find its Slack thread", conversation_id)
        return self._latest.get(conversation_id, (None, None))

    def _destination_in(self, tracker: Any) -> Optional[Destination]:
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered) and event.input_channel == self.name():
                metadata = event.metadata or {}
                if metadata.get("out_channel"):
                    return metadata["out_channel"], metadata.get("thread_id") if self.use_threads else None
        return None

    # -- incoming

    async def process_message(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              text: str, sender_id: Optional[str], metadata: Optional[dict]) -> HTTPResponse:
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
            if request.headers.get("x-slack-retry-num"):
                logger.info("Slack retry #%s (%s) acknowledged, not processed again",
                            request.headers.get("x-slack-retry-num"), request.headers.get("x-slack-retry-reason"))
                return response.text("", headers={"X-Slack-No-Retry": "1"})
            media_type = _media_type(request)
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
        if event.get("type") == "message" and event.get("subtype") not in USER_SUBTYPES:
            return response.text("")
        if not self._is_user_message(body):
            return response.text("")  # the bot's own messages, other events
        metadata = {**self._metadata(body, event), "slack_event_id": body.get("event_id"), "ts": event.get("ts")}
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
        if not self._seen.add(f"action:{payload.get('user', {}).get('id')}:{action.get('action_ts') or payload.get('trigger_id')}"):
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
