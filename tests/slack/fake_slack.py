"""A local fake Slack that speaks the real protocol, for testing Tutor's Slack channel offline.

Two halves, like Slack itself:
- **Events API / interactivity sender**: posts `event_callback` envelopes (message.im,
  app_mention), `url_verification` challenges and `block_actions` interactions to the bot's
  request URL, signed exactly as Slack signs them: X-Slack-Request-Timestamp and
  X-Slack-Signature = "v0=" + HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}"). It can
  also send retries (X-Slack-Retry-Num / X-Slack-Retry-Reason), stale or unsigned requests.
- **Web API**: an HTTP server (http.server in a thread; the app venv has no aiohttp) answering
  https://slack.com/api/<method> calls at `api_url`. It checks `Authorization: Bearer <token>`,
  reads JSON or form bodies, checks the Block Kit limits Slack enforces (answering
  {"ok": false, "error": "invalid_blocks"} like Slack), records every call and answers
  chat.postMessage with a message `ts`. With `echo_bot_messages`, each posted message comes back
  to the bot as a `message` event with `bot_id`, as real Slack does in a DM.
- **Files**: `share_file` stores a file and sends the learner's `message` event with `files`
  (subtype file_share) or a `file_shared` event; `files.info` describes it, and its `url_private`
  serves the bytes only with the bot token as a Bearer header (otherwise the HTML sign-in page
  real Slack answers with status 200).
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

BOT_USER_ID = "UTUTORBOT"
BOT_ID = "BTUTORBOT"
TEAM_ID = "TFAKETEAM"
APP_ID = "AFAKEAPP"


def escape(text: str) -> str:
    """Slack escapes these three in message text it delivers."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class ApiCall:
    method: str  # "chat.postMessage"
    args: dict[str, Any]
    headers: dict[str, str]
    content_type: str
    at: float = field(default_factory=time.monotonic)
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> list[dict]:
        blocks = self.args.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    def blocks_of(self, kind: str) -> list[dict]:
        return [b for b in self.blocks if b.get("type") == kind]

    @property
    def buttons(self) -> list[dict]:
        return [e for b in self.blocks_of("actions") for e in b.get("elements", []) if e.get("type") == "button"]

    @property
    def all_text(self) -> str:
        """Fallback text and every section's text and fields, for assertions."""
        parts = [str(self.args.get("text") or "")]
        for block in self.blocks_of("section"):
            parts.append((block.get("text") or {}).get("text", ""))
            parts += [f.get("text", "") for f in block.get("fields") or []]
        return "\n".join(parts)


@dataclass
class Sent:
    """One request the fake sent to the bot, with how long the bot took to answer it."""
    response: httpx.Response
    seconds: float
    body: dict[str, Any]
    ts: str | None = None

    @property
    def status_code(self) -> int:
        return self.response.status_code


def _block_kit_errors(blocks: list[dict]) -> list[str]:
    """The Block Kit rules Slack enforces on chat.postMessage (a subset: the ones we can break)."""
    errors = []
    if not isinstance(blocks, list) or len(blocks) > 50:
        return ["blocks must be a list of at most 50"]
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            text, fields = block.get("text"), block.get("fields")
            if not text and not fields:
                errors.append("section needs text or fields")
            if text and (text.get("type") not in ("mrkdwn", "plain_text") or not 0 < len(text.get("text", "")) <= 3000):
                errors.append("section text must be 1-3000 characters")
            if fields and (len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields)):
                errors.append("at most 10 fields of 2000 characters")
        elif kind == "image":
            if not block.get("image_url") or not block.get("alt_text"):
                errors.append("image needs image_url and alt_text")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 25:
                errors.append("actions needs 1-25 elements")
            ids = [e.get("action_id") for e in elements if e.get("action_id")]
            if len(ids) != len(set(ids)):
                errors.append("action_id must be unique")
            for e in elements:
                if e.get("type") == "button":
                    text = e.get("text") or {}
                    if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 75:
                        errors.append("button text must be plain_text, 1-75 characters")
                    if len(e.get("value") or "") > 2000:
                        errors.append("button value at most 2000 characters")
        elif kind not in ("context", "divider", "header", "input", "rich_text", "file", "video"):
            errors.append(f"unknown block type {kind}")
    return errors


class FakeSlack:
    def __init__(self, token: str = "xoxb-fake-token", signing_secret: str = "fake-signing-secret",
                 webhook_url: str | None = None, echo_bot_messages: bool = False):
        self.token = token
        self.signing_secret = signing_secret
        self.webhook_url = webhook_url
        self.echo_bot_messages = echo_bot_messages
        self.calls: list[ApiCall] = []
        self.echoes: list[Sent] = []
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._http = httpx.Client(timeout=30)
        self.files: dict[str, dict[str, Any]] = {}  # file id -> Slack's file object + "content"
        self.downloads: list[tuple[str, str]] = []  # (file id, Authorization header) per GET

    # -- Web API (the bot calls us)

    @property
    def api_url(self) -> str:
        assert self._server, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def start(self) -> "FakeSlack":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path.startswith("/files-pri/"):
                    return self._file()
                self._api(parse_qs(urlsplit(self.path).query))

            def _file(self):
                file_id = self.path.split("/")[2].rsplit("-", 1)[-1]
                auth = self.headers.get("Authorization") or ""
                fake.downloads.append((file_id, auth))
                stored = fake.files.get(file_id)
                if stored is not None and auth == f"Bearer {fake.token}":
                    body, media = stored["content"], stored["mimetype"]
                else:
                    body, media = b"<!DOCTYPE html><html><title>Sign in | Slack</title></html>", "text/html"
                self.send_response(200)
                self.send_header("content-type", media)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                media = (self.headers.get("content-type") or "").split(";")[0].strip()
                if media == "application/json":
                    args = json.loads(raw or b"{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                self._api(args, media)

            def _api(self, args, media="query"):
                if isinstance(args, dict) and all(isinstance(v, list) for v in args.values()) and media == "query":
                    args = {k: v[0] for k, v in args.items()}
                method = urlsplit(self.path).path.removeprefix("/api/")
                call = ApiCall(method, args, dict(self.headers), media)
                call.answer = fake._answer(call)
                body = json.dumps(call.answer).encode()
                self.send_response(200)  # Slack answers errors with 200 and "ok": false
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with fake._changed:
                    fake.calls.append(call)
                    fake._changed.notify_all()
                if fake.echo_bot_messages and call.method == "chat.postMessage" and call.answer.get("ok"):
                    threading.Thread(target=fake._echo, args=(call,), daemon=True).start()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        self._http.close()

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _answer(self, call: ApiCall) -> dict:
        auth = call.headers.get("Authorization") or call.headers.get("authorization") or ""
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else call.args.get("token")
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token != self.token:
            return {"ok": False, "error": "invalid_auth"}
        if call.method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID}
        if call.method == "files.info":
            stored = self.files.get(str(call.args.get("file")))
            if stored is None:
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "file": {k: v for k, v in stored.items() if k != "content"}}
        if call.method == "chat.postMessage":
            args = call.args
            if not args.get("channel"):
                return {"ok": False, "error": "channel_not_found"}
            blocks = call.blocks
            if not args.get("text") and not blocks and not args.get("attachments"):
                return {"ok": False, "error": "no_text"}
            errors = _block_kit_errors(blocks) if blocks else []
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
            ts = self.new_ts()
            thread = {"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {}
            message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": args.get("text", ""),
                       "blocks": blocks, "ts": ts, **thread}
            return {"ok": True, "channel": args["channel"], "ts": ts, "message": message}
        return {"ok": False, "error": "unknown_method"}

    def posted(self, where: Callable[[ApiCall], bool] = lambda c: True) -> list[ApiCall]:
        with self._changed:
            return [c for c in self.calls if c.method == "chat.postMessage" and c.answer.get("ok") and where(c)]

    def wait_for(self, where: Callable[[ApiCall], bool], timeout: float = 30.0) -> ApiCall:
        """The first successful chat.postMessage matching `where`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self.calls:
                    if call.method == "chat.postMessage" and call.answer.get("ok") and where(call):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.args.get("thread_ts"), str(c.args.get("text"))[:80], c.answer.get("error"))
                            for c in self.calls]
                    raise TimeoutError(f"no matching Slack call in {timeout} s; calls so far: {seen}")
                self._changed.wait(left)

    # -- Events API and interactivity (we call the bot)

    def post(self, body: bytes, content_type: str, *, signed: bool = True, timestamp: int | None = None,
             retry_num: int | None = None, retry_reason: str = "http_timeout") -> tuple[httpx.Response, float]:
        assert self.webhook_url, "webhook_url not set"
        stamp = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if signed:
            headers["X-Slack-Request-Timestamp"] = str(stamp)
            headers["X-Slack-Signature"] = sign(self.signing_secret, stamp, body)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        started = time.perf_counter()
        response = self._http.post(self.webhook_url, content=body, headers=headers)
        return response, time.perf_counter() - started

    def envelope(self, event: dict, event_id: str | None = None) -> dict:
        return {
            "token": "deprecated-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
            "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
            "event_context": f"4-{uuid.uuid4().hex}",
        }

    def send_event(self, body: dict, **kwargs) -> Sent:
        response, seconds = self.post(json.dumps(body).encode(), "application/json", **kwargs)
        return Sent(response, seconds, body, (body.get("event") or {}).get("ts"))

    def message(self, text: str, *, user: str, channel: str, thread_ts: str | None = None,
                event_id: str | None = None, **kwargs) -> Sent:
        """A learner's direct message to the bot (message.im)."""
        ts = self.new_ts()
        event = {"type": "message", "channel": channel, "user": user, "text": escape(text), "ts": ts,
                 "event_ts": ts, "channel_type": "im", "team": TEAM_ID, "client_msg_id": str(uuid.uuid4()),
                 **({"thread_ts": thread_ts} if thread_ts else {})}
        return self.send_event(self.envelope(event, event_id), **kwargs)

    def app_mention(self, text: str, *, user: str, channel: str, **kwargs) -> Sent:
        """A learner mentions the bot in a channel: `<@BOT> text` (app_mention)."""
        ts = self.new_ts()
        event = {"type": "app_mention", "channel": channel, "user": user, "text": f"<@{BOT_USER_ID}> {escape(text)}",
                 "ts": ts, "event_ts": ts, "team": TEAM_ID, "client_msg_id": str(uuid.uuid4())}
        return self.send_event(self.envelope(event), **kwargs)

    def add_file(self, content: bytes, name: str, mimetype: str = "application/octet-stream",
                 user: str = "U0") -> dict[str, Any]:
        """Store a file as Slack does; returns its file object (url_private needs the bot token)."""
        assert self._server, "start() first"
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        base = f"http://127.0.0.1:{self._server.server_address[1]}/files-pri/{TEAM_ID}-{file_id}/{name}"
        self.files[file_id] = {
            "id": file_id, "name": name, "title": name, "mimetype": mimetype, "filetype": name.rsplit(".", 1)[-1],
            "size": len(content), "user": user, "url_private": base, "url_private_download": base + "?download=1",
            "is_external": False, "mode": "hosted", "content": content}
        return {k: v for k, v in self.files[file_id].items() if k != "content"}

    def share_file(self, content: bytes, name: str, *, user: str, channel: str, text: str = "",
                   as_file_shared: bool = False, mimetype: str = "application/octet-stream") -> Sent:
        """The learner shares a file in a DM: a `message` event with `files` (subtype file_share),
        or only the `file_shared` event that names the file's id."""
        file = self.add_file(content, name, mimetype, user)
        ts = self.new_ts()
        if as_file_shared:
            event = {"type": "file_shared", "file_id": file["id"], "user_id": user, "file": {"id": file["id"]},
                     "channel_id": channel, "event_ts": ts}
        else:
            event = {"type": "message", "subtype": "file_share", "channel": channel, "user": user,
                     "text": escape(text), "ts": ts, "event_ts": ts, "channel_type": "im", "team": TEAM_ID,
                     "files": [file], "upload": False, "display_as_bot": False}
        return self.send_event(self.envelope(event))

    def url_verification(self, challenge: str, **kwargs) -> Sent:
        body = {"token": "deprecated-verification-token", "challenge": challenge, "type": "url_verification"}
        return self.send_event(body, **kwargs)

    def click(self, message: ApiCall, button: dict, *, user: str, **kwargs) -> Sent:
        """The learner clicks `button` in the bot's `message`: a block_actions interaction,
        form-encoded as `payload=<json>` like Slack's interactivity requests."""
        posted = message.answer["message"]
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "learner", "team_id": TEAM_ID},
            "api_app_id": APP_ID, "token": "deprecated-verification-token",
            "container": {"type": "message", "message_ts": posted["ts"], "channel_id": message.answer["channel"],
                          "is_ephemeral": False,
                          **({"thread_ts": posted["thread_ts"]} if posted.get("thread_ts") else {})},
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex[:12]}",
            "team": {"id": TEAM_ID}, "channel": {"id": message.answer["channel"], "name": "directmessage"},
            "message": posted,
            "response_url": "https://hooks.slack.invalid/actions/T/1/x",
            "actions": [{"action_id": button.get("action_id"), "block_id": "b1", "type": "button",
                         "text": button["text"], "value": button.get("value"),
                         "action_ts": f"{time.time():.6f}"}],
        }
        from urllib.parse import urlencode

        body = urlencode({"payload": json.dumps(payload)}).encode()
        response, seconds = self.post(body, "application/x-www-form-urlencoded", **kwargs)
        return Sent(response, seconds, payload, posted.get("thread_ts") or posted["ts"])

    def _echo(self, call: ApiCall) -> None:
        """Real Slack delivers the bot's own DM messages to its message.im subscription."""
        posted = call.answer["message"]
        event = {**{k: v for k, v in posted.items() if k != "blocks"}, "channel": call.answer["channel"],
                 "channel_type": "im", "subtype": None, "event_ts": posted["ts"]}
        event.pop("subtype")
        try:
            self.echoes.append(self.send_event(self.envelope(event)))
        except httpx.HTTPError:
            pass
