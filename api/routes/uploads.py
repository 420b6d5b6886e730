"""Learners' uploads (issue 17; docs/decisions.md, D34): the file is checked, normalised into
var/uploads/<learner>/<upload>/ and recorded; the answer is the summary and the chat message that
asks for the training, or the refusal in the learner's words.

- `POST /chat/uploads`: the web widget. The body is the file itself (any content type: the kind
  is read from the bytes), the name in `X-Upload-Name` (percent-encoded), the learner in
  `X-Tutor-Session`: the widget's 32-hex Rasa session id, what it proves itself with on socket.io
  (D33). A raw body rather than multipart: one file per request needs no form parser, and the
  20 MB limit is enforced while reading, before a byte more is buffered.
- `POST /chat/uploads/slack`: the Slack connector (bot/slack_connector.py), which fetched a file a
  signed Slack event named. It holds Rasa's API token (Bearer), like every caller that may already
  write any conversation through Rasa's API (D26); the Slack learner is `X-Tutor-Learner`.

Refusals are 413 (too big) or 422 with {"detail": sentence}; nothing is stored for them.
"""

import logging
import secrets
import shutil
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, bearer
from bot.identity import SLACK, SLACK_ID, WEB, WEB_ID
from db import repository as repo
from db import uploads as store
from db.models import new_public_id
from tutor.settings import Settings
from uploads import contract
from uploads.intake import check, check_size
from uploads.normalised import UploadRefused

log = logging.getLogger(__name__)
router = APIRouter(prefix="/chat/uploads", tags=["chat"])

TRAIN_MESSAGE = '/train_on_upload{{"upload": "{public_id}"}}'
NO_SESSION = "This upload has no chat session; reload the page and try again."


async def read_limited(request: Request) -> bytes:
    """The body, refused as soon as it passes the per-file limit (Content-Length is only a hint)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        _too_big(int(declared))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        _too_big(size)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(size: int) -> None:
    try:
        check_size(size)
    except UploadRefused as refusal:
        raise HTTPException(413, str(refusal)) from None


def save(sessions: Any, settings: Settings, channel: str, sender: str, name: str, data: bytes) -> dict[str, Any]:
    """Check and store one upload for the learner (channel, sender); runs in a worker thread."""
    with sessions() as session:
        session: Session
        learner = repo.get_or_create_learner(session, channel, sender)
        try:
            checked = check(data, used=store.used_bytes(session, learner.id))
        except UploadRefused as refusal:
            session.commit()
            raise HTTPException(422, str(refusal)) from None
        public_id = new_public_id()
        folder = contract.upload_dir(settings.var_dir, learner.public_id, public_id)
        checked.write(folder)
        try:
            upload = store.create_upload(
                session, learner=learner, public_id=public_id, kind=checked.kind, name=name,
                size_bytes=len(data), folder=str(folder.relative_to(settings.var_dir)),
                summary=checked.summary, meta=checked.meta, choices=checked.choices)
            session.commit()
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)  # no folder without its row
            raise
        log.info("upload %s stored: %s, %d bytes", upload.id, checked.kind, len(data))
        return {"upload": public_id, "kind": checked.kind, "summary": checked.summary,
                "choices": checked.choices, "message": TRAIN_MESSAGE.format(public_id=public_id)}


def file_name(raw: str | None) -> str:
    name = unquote(raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "upload"


@router.post("")
async def web_upload(request: Request, settings: SettingsDep,
                     x_tutor_session: Annotated[str | None, Header()] = None,
                     x_upload_name: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    if not x_tutor_session or not WEB_ID.fullmatch(x_tutor_session):
        raise HTTPException(401, NO_SESSION)
    data = await read_limited(request)
    return await run_in_threadpool(save, request.app.state.sessions, settings, WEB, x_tutor_session,
                                   file_name(x_upload_name), data)


def require_rasa_token(settings: SettingsDep,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    if not settings.rasa_token or credentials is None or not secrets.compare_digest(
            credentials.credentials, settings.rasa_token):
        raise HTTPException(401, "Rasa's API token is required.", headers={"WWW-Authenticate": "Bearer"})


@router.post("/slack", dependencies=[Depends(require_rasa_token)])
async def slack_upload(request: Request, settings: SettingsDep,
                       x_tutor_learner: Annotated[str, Header()],
                       x_upload_name: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    if not SLACK_ID.fullmatch(x_tutor_learner):
        raise HTTPException(422, "Not a Slack conversation id.")
    data = await read_limited(request)
    return await run_in_threadpool(save, request.app.state.sessions, settings, SLACK, x_tutor_learner,
                                   file_name(x_upload_name), data)
