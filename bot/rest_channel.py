"""Rasa's REST channel for scripts and tests only (README "Scripts and tests").

Named in bot/credentials.yml as `bot.rest_channel.RestInput` with Rasa's channel name, so the URL
stays /webhooks/rest/webhook. Over Rasa's RestInput, which believes the request body:
- off (404) unless Rasa's API token is set, and then only with `Authorization: Bearer <token>`:
  whoever holds that token can already write any conversation through Rasa's HTTP API, so the
  channel gives them nothing new, and nobody else anything;
- the sender lands in the REST namespace ("rest-<sender>", bot/identity.py), so a script can
  never be a web or Slack learner, whatever id it sends;
- `input_channel` and `metadata` in the body are ignored: the channel is always "rest" and no
  claim in a body can redirect pushed results (the Slack connector reads its thread from metadata).
"""

import hmac
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.identity import REST, rest_sender

logger = logging.getLogger(__name__)


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return REST

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "RestInput":
        return cls(token=(credentials or {}).get("token") or "")

    def __init__(self, token: str = "") -> None:
        self.token = token
        if not token:
            logger.info("REST channel off: no Rasa API token (TUTOR_RASA_TOKEN) is set")

    def authorized(self, request: Request) -> bool:
        given = request.headers.get("authorization") or ""
        scheme, _, value = given.partition(" ")
        return bool(self.token) and scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), self.token.encode())

    async def _extract_sender(self, req: Request) -> str | None:
        sender = (req.json or {}).get("sender")
        return rest_sender(sender) if isinstance(sender, str) and sender else None

    def _extract_message(self, req: Request) -> str | None:
        text = (req.json or {}).get("message")
        return text if isinstance(text, str) else None

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never the body's "input_channel"

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return None  # never the body's "metadata"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        inner = super().blueprint(on_new_message)

        @inner.middleware("request")
        async def guard(request: Request):
            if not self.token:
                return response.text("The REST channel is off", status=HTTPStatus.NOT_FOUND)
            if not self.authorized(request):
                return response.text("Send Rasa's API token as 'Authorization: Bearer <token>'",
                                     status=HTTPStatus.UNAUTHORIZED)
            if request.method == "POST":
                body = request.json if _is_json_object(request) else None
                if body is None or not isinstance(body.get("sender"), str) or not body["sender"]:
                    return response.text('Send a JSON object with a "sender" and a "message"',
                                         status=HTTPStatus.BAD_REQUEST)

        return inner


def _is_json_object(request: Request) -> bool:
    try:
        return isinstance(request.json, dict)
    except Exception:  # sanic raises InvalidUsage on a body that is not JSON
        return False
