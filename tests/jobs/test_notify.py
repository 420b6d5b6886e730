"""The worker's pushes reach the conversation they name, whatever characters its id holds
(jobs/notify.py encodes, bot/conversation_ids.py decodes inside the real Rasa server).

Before: the worker percent-encoded the id and Rasa 3.6 (Sanic 21.12, routes without
`unquote=True`) did not decode it, so a push for "rest-ada lovelace" ran in a conversation named
"rest-ada%20lovelace": the action found no job of that conversation, rendered nothing, and Rasa
still answered 200.
"""

import httpx
import pytest

from bot.conversation_ids import decode, encode
from db import repository as repo
from db.engine import make_engine, make_session_factory
from db.models import JobStatus, utcnow
from jobs.notify import RESULT_INTENT, RasaNotifier

IDS = ["rest-ada lovelace", "rest-ada@example.org", "rest-a/b/../c", "rest-100% sure", "rest-Zoë 学习",
       "rest-a?b=1#c", "rest-%41"]


@pytest.mark.parametrize("conversation_id", IDS)
def test_an_encoded_conversation_id_decodes_to_itself(conversation_id):
    segment = encode(conversation_id)
    assert "/" not in segment and "?" not in segment and " " not in segment and segment.isascii()
    assert decode(segment) == conversation_id


@pytest.mark.slow
def test_a_push_reaches_the_conversation_it_names_on_the_real_rasa_server(stack):
    engine = make_engine(stack.settings.db_url)
    sessions = make_session_factory(engine)
    jobs = {}
    with sessions() as s:
        for conversation_id in IDS:
            learner = repo.get_or_create_learner(s, "rest", conversation_id)
            job = repo.create_job(s, learner, conversation_id, "tokenize", {})
            # finished in the same transaction, so the stack's worker never sees it queued
            job.status, job.error, job.finished_at = JobStatus.failed, "A test failure, as written.", utcnow()
            s.flush()
            jobs[conversation_id] = job.id
        s.commit()
    engine.dispose()

    notifier = RasaNotifier(stack.settings.rasa_url, stack.settings.rasa_token)
    rasa = httpx.Client(base_url=stack.settings.rasa_url, params={"token": stack.settings.rasa_token}, timeout=30)
    try:
        for conversation_id, job_id in jobs.items():
            assert notifier.trigger(conversation_id, RESULT_INTENT, job_id)
            tracker = rasa.get(f"/conversations/{encode(conversation_id)}/tracker").json()
            assert tracker["sender_id"] == conversation_id
            said = [e.get("text") or "" for e in tracker["events"] if e["event"] == "bot"]
            assert f"Job #{job_id} didn't finish. A test failure, as written." in said, (conversation_id, said)
    finally:
        notifier.close()
        rasa.close()
