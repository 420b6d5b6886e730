"""The web widget's side of result delivery (jobs/delivery.py): a result counts as delivered only
when the widget says it rendered it.

- `POST /chat/results/shown` {session_id, receipts}: the widget rendered these result cards
  (a receipt is the job's public id, in every result payload). Only the session's own jobs are
  marked: receipts are also in download links, which learners share.
- `POST /chat/results/owed` {session_id}: the widget (re)connected or the learner sent a message;
  every result of this session that no chat has shown yet is pushed again now, through Rasa, so
  it arrives as any pushed result does (and a lesson waiting for it goes on).

The session id is the widget's own Rasa conversation id (32 hex digits, bot/identity.py): it is
what the widget already proves itself with on the socket.io channel. It travels in the body, so
it never reaches the access log. Sync routes: FastAPI runs them in its thread pool.
"""

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, StringConstraints

from api.deps import SessionDep, SettingsDep
from jobs import delivery
from jobs.notify import RESULT_INTENT, RasaNotifier

router = APIRouter(prefix="/chat/results", tags=["chat"])

WebSessionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]  # bot.identity.WEB_ID
Receipt = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]  # db.models.new_public_id


class Shown(BaseModel):
    session_id: WebSessionId
    receipts: list[Receipt] = Field(max_length=delivery.MAX_RECEIPTS)


class Owed(BaseModel):
    session_id: WebSessionId


def notifier(request: Request) -> RasaNotifier:
    """One client for the app's pushes, made on first use (no connection at import or start)."""
    state = request.app.state
    if getattr(state, "notifier", None) is None:
        settings = state.settings
        state.notifier = RasaNotifier(settings.rasa_url, settings.rasa_token)
    return state.notifier


@router.post("/shown")
def results_shown(body: Shown, session: SessionDep) -> dict[str, list[int]]:
    jobs = delivery.mark_shown(session, body.session_id, body.receipts)
    session.commit()
    return {"shown": [job.id for job in jobs]}


@router.post("/owed")
def results_owed(body: Owed, session: SessionDep, settings: SettingsDep,
                 request: Request) -> dict[str, list[int]]:
    owed = delivery.owed_results(session, settings, conversation_id=body.session_id, due_only=False)
    session.commit()  # hold no read transaction while Rasa runs the action, which reads the jobs
    pushed = []
    for job in owed:
        accepted = notifier(request).trigger(job.conversation_id, RESULT_INTENT, job.id)
        delivery.record_push(job, accepted, settings)
        session.commit()
        if accepted:
            pushed.append(job.id)
    return {"pushed": pushed}
