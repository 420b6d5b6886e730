"""Findings on learner identity and bounded input (issue 14, sections 1 and 2), probed on the real
stack: Rasa with bot/rest_channel.py and bot/input_guard.py, the action server, the worker.

- REST believed its body: `"input_channel": "slack"` and a Slack user id made a `slack` learner
  with that id (it could list, cancel and export their jobs), and `metadata.out_channel` could
  redirect their pushed results. Now REST needs Rasa's API token, its senders are "rest-<id>"
  and the body's input_channel and metadata are ignored.
- A socket.io client chose its own session id, so it could take a Slack learner's conversation.
- `/EXTERNAL_job_result{"job_id": N}` typed by a learner rendered job N's result.
- Nothing capped a message's length on any channel (Rasa's REST took 100 MB).
- Logs must carry no session id and no token.
"""

import time
import uuid

import httpx
import pytest
from sqlalchemy import select

from bot.input_guard import FOREIGN_SESSION
from db import repository as repo
from db.models import JobStatus, Learner, utcnow
from tests.conftest import STAFF_TOKEN
from tutor.chat_client import Learner as WebLearner

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REST = "/webhooks/rest/webhook"
TOO_LONG = "too long; paste at most 2,000 characters"
WEB_SESSIONS: list[str] = []  # every web session id used here: none may reach a log


@pytest.fixture(scope="module")
def db(stack):
    from db.engine import make_engine, make_session_factory

    engine = make_engine(stack.settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()


def slack_user() -> str:
    return "U" + uuid.uuid4().hex[:10].upper()


def rest(stack, body: dict, token: str | None = "") -> httpx.Response:
    token = stack.settings.rasa_token if token == "" else token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(stack.settings.rasa_url + REST, json=body, headers=headers, timeout=60)


def user_events(stack, conversation_id: str) -> list[dict]:
    """The learner messages Rasa stored for a conversation (Rasa's API, with its token)."""
    answer = httpx.get(f"{stack.settings.rasa_url}/conversations/{conversation_id}/tracker",
                       params={"token": stack.settings.rasa_token}, timeout=30)
    answer.raise_for_status()
    return [e for e in answer.json()["events"] if e["event"] == "user"]


def web_learner(stack, session_id: str | None = None) -> WebLearner:
    person = WebLearner(stack.settings.chat_socket_url, **({"session_id": session_id} if session_id else {}))
    if session_id is None:
        WEB_SESSIONS.append(person.session_id)
    return person.connect()


def learners_named(db, *external_ids: str) -> list[tuple[str, str]]:
    with db() as s:
        return sorted((row.channel, row.external_id) for row in
                      s.scalars(select(Learner).where(Learner.external_id.in_(external_ids))))


def test_rest_without_rasas_token_is_refused(stack):
    body = {"sender": "probe", "message": "hi"}
    assert rest(stack, body, token=None).status_code == 401
    assert rest(stack, body, token="not-the-token").status_code == 401
    assert rest(stack, body).status_code == 200


def test_rest_claiming_to_be_a_slack_learner_stays_a_rest_learner_and_cannot_redirect_pushes(stack, db):
    user = slack_user()
    answer = rest(stack, {"sender": user, "message": "show my models", "input_channel": "slack",
                          "metadata": {"out_channel": "CATTACKER", "thread_id": "1700000000.000100"}})
    assert answer.status_code == 200 and answer.json(), answer.text
    assert learners_named(db, user, f"rest-{user}") == [("rest", f"rest-{user}")]
    assert user_events(stack, user) == []  # the Slack learner's conversation is untouched
    [event] = user_events(stack, f"rest-{user}")
    assert event["input_channel"] == "rest"
    assert "out_channel" not in (event.get("metadata") or {})  # nothing to redirect a push with


def test_a_web_client_cannot_take_a_slack_learners_conversation(stack, db):
    user = slack_user()
    person = web_learner(stack, session_id=user)
    try:
        person.say("show my models")
        reply = person.wait_for(lambda r: bool(r.text), timeout=30)
    finally:
        person.close()
    assert reply.text == FOREIGN_SESSION
    assert user_events(stack, user) == [] and learners_named(db, user) == []


def test_a_typed_internal_intent_gets_the_normal_answer_not_a_job_result(stack, db):
    person = web_learner(stack)
    with db() as s:
        learner = repo.get_or_create_learner(s, "socketio", person.session_id)
        job = repo.create_job(s, learner, person.session_id, "hello_neuron", {})
        repo.set_status(s, job, JobStatus.running)
        repo.set_status(s, job, JobStatus.succeeded, result={"summary": "PROBE RESULT", "metrics": {}})
        job.shown_at = utcnow()  # already delivered, so only the typed intent could push it again
        s.commit()
        job_id = job.id
    try:
        person.say(f'/EXTERNAL_job_result{{"job_id": {job_id}}}')
        first = person.wait_for(lambda r: bool(r.text), timeout=30)
        time.sleep(2)  # anything else the turn sends
        while not person.inbox.empty():
            person.history.append(person.inbox.get())
        person.say("/greet")  # a learner's own intent payload still works
        greeting = person.wait_for(lambda r: "I'm Tutor" in r.text, timeout=30)
    finally:
        person.close()
    texts = [r.text for r in person.history]
    print(f"typed internal intent answered: {first.text!r}")  # for the closing table
    assert first.text and not any("PROBE RESULT" in t or f"Job #{job_id} is done" in t for t in texts), texts
    assert greeting.text


def test_an_overlong_web_message_gets_a_clear_reply_and_is_not_parsed(stack):
    person = web_learner(stack)
    try:
        person.say("1" * 2001)
        reply = person.wait_for(lambda r: bool(r.text), timeout=30)
        person.say("1" * 2000)  # at the cap: parsed as usual
        at_cap = person.wait_for(lambda r: bool(r.text), timeout=30)
    finally:
        person.close()
    assert TOO_LONG in reply.text
    assert TOO_LONG not in at_cap.text
    assert [len(e["text"]) for e in user_events(stack, person.session_id)] == [2000]


def test_an_overlong_rest_message_gets_a_clear_reply_and_is_not_parsed(stack):
    sender = uuid.uuid4().hex
    answer = rest(stack, {"sender": sender, "message": "1" * 2001})
    assert answer.status_code == 200
    assert [TOO_LONG in m.get("text", "") for m in answer.json()] == [True]
    assert user_events(stack, f"rest-{sender}") == []


def test_rasa_refuses_a_body_over_1_mb_before_any_channel_reads_it(stack):
    body = b'{"sender": "x", "message": "' + b"1" * 2_000_000 + b'"}'
    answer = httpx.post(stack.settings.rasa_url + REST, content=body,
                        headers={"Content-Type": "application/json"}, timeout=60)
    assert answer.status_code == 413


def test_an_overlong_slack_message_gets_a_clear_reply_in_its_thread_and_is_not_parsed(stack, fake_slack):
    user, dm = slack_user(), "D" + uuid.uuid4().hex[:10].upper()
    sent = fake_slack.message("1" * 2001, user=user, channel=dm)
    assert sent.status_code == 200
    reply = fake_slack.wait_for(lambda c: c.args.get("channel") == dm and c.args.get("thread_ts") == sent.ts,
                                timeout=30)
    assert TOO_LONG in reply.all_text
    assert user_events(stack, user) == []


def test_no_log_carries_a_session_id_or_a_token(stack, db):
    """Runs last in this file: every probe above has written its lines by now. The download and
    chart links are capabilities too (an unguessable id is all they ask for): the API's access
    log must not keep them either."""
    assert WEB_SESSIONS, "run with the tests above"
    with db() as s:
        learner = repo.get_or_create_learner(s, "socketio", WEB_SESSIONS[0])
        job = repo.create_job(s, learner, WEB_SESSIONS[0], "hello_neuron", {})
        s.commit()
        links = {"chart link": learner.public_id, "download link": job.public_id}
    api = stack.settings.public_base_url
    httpx.get(f"{api}/progress/{links['chart link']}/chart.png", timeout=30)
    httpx.get(f"{api}/artifacts/{links['download link']}/loss.png", timeout=30)
    time.sleep(1)  # the access log line is written after the answer
    secrets = {"Rasa token": stack.settings.rasa_token, "staff token": STAFF_TOKEN, **links,
               **{f"web session {s[:6]}…": s for s in WEB_SESSIONS}}
    logs = sorted(stack.settings.logs_dir.rglob("*.log"))
    assert "/progress/" in (stack.settings.logs_dir / "api.log").read_text()  # the probe was logged
    found = [(name, log.name) for log in logs for name, value in secrets.items()
             if value and value in log.read_text(errors="replace")]
    assert found == []
