"""Files learners share with Tutor in Slack (issue 17): a `message` event with `files` (subtype
`file_share`) or a `file_shared` event, both from a signed request (bot/slack_connector.py).

The file is fetched as Slack serves it: `url_private` with the bot token as a Bearer header,
through the configured API host's server (so the fake Slack serves it in tests; a missing
`files:read` scope makes real Slack answer a sign-in page, refused here as not the file). It is
read up to the 20 MB limit and handed to Tutor's API (`POST /chat/uploads/slack`, Rasa's API
token, the learner's Slack conversation id), which checks and stores it (api/routes/uploads.py).
Accepted: the learner's message becomes the upload's `/train_on_upload{"upload": "<id>"}`, so the
training action summarises it and queues the training. Refused: the refusal is posted in the
learner's thread and nothing is started.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp
from rasa.core.channels.channel import OutputChannel
from slack_sdk.web.async_client import AsyncWebClient

from uploads.contract import MAX_FILE_BYTES, MB

logger = logging.getLogger(__name__)

TOO_BIG = "This file is {size:.1f} MB; I take files of at most {limit} MB."
OVER_LIMIT = "This file is over {limit} MB; I take files of at most {limit} MB."
CANNOT_FETCH = ("I couldn't fetch that file from Slack (Tutor's Slack app needs the files:read "
                "permission). Nothing was started.")
CANNOT_STORE = "I couldn't store that file just now. Nothing was started; please share it again in a minute."
TIMEOUT = aiohttp.ClientTimeout(total=120)


def shared_file(event: dict[str, Any]) -> dict[str, Any] | None:
    """The file a learner shared in this event, if any (the first one of a message)."""
    if event.get("type") == "file_shared":
        file_id = event.get("file_id") or (event.get("file") or {}).get("id")
        return {"id": file_id} if file_id else None
    if event.get("type") == "message" and not event.get("bot_id"):
        files = [f for f in event.get("files") or [] if isinstance(f, dict) and f.get("id")]
        return files[0] if files else None
    return None


class SlackFiles:
    def __init__(self, client: AsyncWebClient, token: str, tutor_url: str, tutor_token: str) -> None:
        self.client, self.token = client, token
        self.intake_url = tutor_url.rstrip("/") + "/chat/uploads/slack"
        self.tutor_token = tutor_token
        self.enabled = bool(tutor_url and tutor_token)

    async def take(self, shared: dict[str, Any], conversation_id: str, output: OutputChannel,
                   deliver: Callable[[str], Awaitable[Any]]) -> None:
        """Fetch, hand to Tutor, then either deliver the training message or post the refusal."""
        try:
            message, refusal = await self._intake(shared, conversation_id)
        except Exception:
            logger.exception("could not take Slack file %s", shared.get("id"))
            message, refusal = None, CANNOT_STORE
        if message:
            await deliver(message)
        else:
            await output.send_text_message(conversation_id, refusal or CANNOT_STORE)

    async def _intake(self, shared: dict[str, Any], conversation_id: str) -> tuple[str | None, str | None]:
        info = shared
        if not info.get("url_private"):
            answer = await self.client.files_info(file=shared["id"])
            info = answer.get("file") or {}
        size = int(info.get("size") or 0)
        if size > MAX_FILE_BYTES:
            return None, TOO_BIG.format(size=size / MB, limit=MAX_FILE_BYTES // MB)
        url = info.get("url_private_download") or info.get("url_private")
        if not url:
            return None, CANNOT_FETCH
        name = str(info.get("name") or info.get("title") or "upload")
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            data = await self._download(http, url)
            if isinstance(data, str):
                return None, data
            headers = {"Authorization": f"Bearer {self.tutor_token}", "X-Tutor-Learner": conversation_id,
                       "X-Upload-Name": quote(name), "Content-Type": "application/octet-stream"}
            async with http.post(self.intake_url, data=data, headers=headers) as reply:
                body = await reply.json(content_type=None)
                if reply.status == 200 and isinstance(body, dict) and body.get("message"):
                    return str(body["message"]), None
                if reply.status in (413, 422) and isinstance(body, dict) and isinstance(body.get("detail"), str):
                    return None, body["detail"]
                logger.error("Tutor's upload route answered %s for a Slack file", reply.status)
                return None, CANNOT_STORE

    async def _download(self, http: aiohttp.ClientSession, url: str) -> bytes | str:
        """The file's bytes, or the learner's refusal (too big, not served)."""
        async with http.get(url, headers={"Authorization": f"Bearer {self.token}"}) as got:
            media = (got.headers.get("content-type") or "").split(";")[0].strip().lower()
            if got.status != 200 or media == "text/html":  # Slack's sign-in page, not the file
                logger.error("Slack served no file at %s (status %s, %s)", url, got.status, media)
                return CANNOT_FETCH
            chunks, size = [], 0
            async for chunk in got.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    return OVER_LIMIT.format(limit=MAX_FILE_BYTES // MB)
                chunks.append(chunk)
        return b"".join(chunks)
