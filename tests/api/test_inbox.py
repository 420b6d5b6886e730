"""The staff inbox API (api/routes/inbox.py): grouped unanswered questions, dismiss / point /
answer with what they teach written to the staff knowledge file, the askers told through Rasa's
external events (a fake Rasa here; tests/e2e/test_staff_inbox_chat.py runs the real one),
handoffs and staff replies, and the audit log of every write."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from db import inbox
from db import repository as repo
from db.inbox_models import Handoff, StaffMessage, StaffPresence
from db.models import UnansweredQuestion, utcnow
from db.staff_models import AuditEntry
from faq import staff as staff_knowledge

AUTH = {"Authorization": "Bearer s3cret"}
CAPSULES = ["how do capsule networks route between layers?", "capsule network routing explained",
            "what is dynamic routing in capsule nets"]
WINE = ["how do I get red wine out of a carpet", "wine stain on my rug how to clean"]


@pytest.fixture
def app_settings(make_settings, rasa):
    return make_settings(staff_token="s3cret", rasa_server_url=rasa.url, rasa_token="rasa-token")


@pytest.fixture
def client(app_settings, sqlite_sessions):
    with TestClient(create_app(app_settings)) as c:
        yield c


def _ask(sessions, sender: str, text: str, days_ago: float = 0) -> int:
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", sender)
        question = repo.record_unanswered(s, learner, sender, text, "convolution", 0.4)
        question.created_at = utcnow() - timedelta(days=days_ago)
        s.commit()
        return question.id


def _groups(client) -> list[dict]:
    r = client.get("/staff/inbox/groups", headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def _group_with(client, text: str) -> dict:
    return next(g for g in _groups(client) if text in g["examples"])


def test_similar_questions_form_one_group_with_count_learners_and_examples(client, sqlite_sessions):
    for n, text in enumerate(CAPSULES):
        _ask(sqlite_sessions, f"{n:032x}", text)
    for text in WINE:
        _ask(sqlite_sessions, "f" * 32, text)
    groups = _groups(client)
    assert [g["count"] for g in groups] == [3, 2]
    assert set(groups[0]["examples"]) == set(CAPSULES) and groups[0]["learners"] == 3
    assert set(groups[1]["examples"]) == set(WINE) and groups[1]["learners"] == 1
    assert groups[0]["best_guess"] == "convolution"


def test_dismiss_teaches_the_decline_closes_the_group_and_is_audited(client, app_settings, sqlite_sessions):
    for text in WINE:
        _ask(sqlite_sessions, "a" * 32, text)
    group = _group_with(client, WINE[0])
    r = client.post("/staff/inbox/groups/dismiss", json={"question_ids": group["question_ids"]}, headers=AUTH)
    assert r.status_code == 200 and r.json()["resolved"] == 2
    assert set(staff_knowledge.read(staff_knowledge.path_in(app_settings.var_dir)).off_topic) == set(WINE)
    assert _groups(client) == []
    again = client.post("/staff/inbox/groups/dismiss", json={"question_ids": group["question_ids"]}, headers=AUTH)
    assert again.status_code == 409  # a second tab acting on the same group changes nothing
    with sqlite_sessions() as s:
        entry = s.scalars(select(AuditEntry)).one()
        assert (entry.staff, entry.action) == ("bootstrap", "dismiss")
        assert set(entry.detail["question_ids"]) == set(group["question_ids"])


def test_a_new_answer_is_a_staff_entry_and_every_recent_asker_is_told_once(client, app_settings, sqlite_sessions, rasa):
    fresh = [_ask(sqlite_sessions, "1" * 32, CAPSULES[0]), _ask(sqlite_sessions, "1" * 32, CAPSULES[1]),
             _ask(sqlite_sessions, "2" * 32, CAPSULES[2])]
    old = _ask(sqlite_sessions, "3" * 32, "capsule networks routing between layers how", days_ago=31)
    r = client.post("/staff/inbox/groups/answer", headers=AUTH, json={
        "question_ids": fresh + [old], "topic": "Capsule networks",
        "answer": "Capsules route by agreement: each sends its output to the capsules that agree."})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["resolved"] == 4 and body["notified"] == 2 and body["not_reached"] == 0
    entry = staff_knowledge.read(staff_knowledge.path_in(app_settings.var_dir)).entries[0]
    assert entry.id == body["entry_id"] == "staff-capsule-networks" and entry.written_by == "staff"
    assert set(entry.questions) == set(CAPSULES) | {"capsule networks routing between layers how"}
    # One push per learner who asked in the last 30 days, to their conversation, as an entity.
    assert sorted(c["conversation"] for c in rasa.calls) == ["1" * 32, "2" * 32]
    assert {c["name"] for c in rasa.calls} == {"EXTERNAL_staff_message"}
    assert all(c["query"]["output_channel"] == ["latest"] and c["query"]["token"] == ["rasa-token"]
               for c in rasa.calls)
    with sqlite_sessions() as s:
        messages = s.scalars(select(StaffMessage).order_by(StaffMessage.conversation_id)).all()
        assert {m.id for m in messages} == {c["entities"]["staff_message"] for c in rasa.calls}
        assert messages[0].text.startswith(f"Course staff answered your question \u2018{CAPSULES[1]}\u2019: Capsules")
        assert all(m.notified_at is not None for m in messages)
    # The new entry is listed for later groups to point at.
    listed = client.get("/staff/inbox/entries", params={"q": "capsule"}, headers=AUTH).json()
    assert {"id": "staff-capsule-networks", "topic": "Capsule networks", "kind": "concept",
            "written_by": "staff"} in listed


def test_an_answer_that_breaks_the_entry_rules_is_refused_and_nothing_changes(client, app_settings,
                                                                               sqlite_sessions, rasa):
    qid = _ask(sqlite_sessions, "4" * 32, CAPSULES[0])
    r = client.post("/staff/inbox/groups/answer", headers=AUTH,
                    json={"question_ids": [qid], "topic": "Capsules", "answer": "   "})
    assert r.status_code == 422
    assert not staff_knowledge.path_in(app_settings.var_dir).exists() and rasa.calls == []
    assert _groups(client)[0]["question_ids"] == [qid]


def test_pointing_a_group_at_an_entry_adds_its_wordings_and_sends_that_answer(client, app_settings,
                                                                              sqlite_sessions, rasa):
    qid = _ask(sqlite_sessions, "5" * 32, "whats the thing that stops overfitting by turning neurons off")
    unknown = client.post("/staff/inbox/groups/point", headers=AUTH,
                          json={"question_ids": [qid], "entry_id": "no-such-entry"})
    assert unknown.status_code == 422
    r = client.post("/staff/inbox/groups/point", headers=AUTH, json={"question_ids": [qid], "entry_id": "dropout"})
    assert r.status_code == 200 and r.json()["notified"] == 1
    phrasings = staff_knowledge.read(staff_knowledge.path_in(app_settings.var_dir)).phrasings
    assert phrasings == {"dropout": ("whats the thing that stops overfitting by turning neurons off",)}
    with sqlite_sessions() as s:
        assert "dropout" in s.scalars(select(StaffMessage)).one().text.lower()


def test_staff_reply_joins_the_thread_is_pushed_and_audited(client, sqlite_sessions, rasa):
    with sqlite_sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "6" * 32)
        handoff = inbox.open_handoff(s, learner, "6" * 32, [{"who": "learner", "text": "can I talk to a human?"}],
                                     staff_available=False)
        s.commit()
        handoff_id = handoff.id
    listed = client.get("/staff/inbox/handoffs", headers=AUTH).json()
    assert listed["open"] == 1 and listed["handoffs"][0]["transcript"][0]["text"] == "can I talk to a human?"
    r = client.post(f"/staff/inbox/handoffs/{handoff_id}/reply", json={"text": "Hi, I'm Sam from the course."},
                    headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["thread"][-1] == {"who": "staff", "author": "bootstrap", "text": "Hi, I'm Sam from the course.",
                                      "at": r.json()["thread"][-1]["at"]}
    assert [c["conversation"] for c in rasa.calls] == ["6" * 32]
    closed = client.post(f"/staff/inbox/handoffs/{handoff_id}/close", headers=AUTH)
    assert closed.json()["status"] == "closed"
    assert client.get("/staff/inbox/handoffs", headers=AUTH).json()["open"] == 0
    with sqlite_sessions() as s:
        assert [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["reply", "close"]
        assert s.get(Handoff, handoff_id).closed_at is not None


def test_listing_handoffs_marks_staff_present_and_resends_what_rasa_missed(client, sqlite_sessions, rasa):
    with sqlite_sessions() as s:
        assert not inbox.staff_available(s)
        message = inbox.add_staff_message(s, conversation_id="7" * 32, learner_id=None, kind="reply",
                                          text="hello", staff="bootstrap")
        s.commit()
        message_id = message.id
    client.get("/staff/inbox/handoffs", headers=AUTH)
    assert [c["entities"]["staff_message"] for c in rasa.calls] == [message_id]
    with sqlite_sessions() as s:
        assert inbox.staff_available(s) and s.get(StaffPresence, "bootstrap") is not None
        assert s.get(StaffMessage, message_id).notified_at is not None


def test_a_reply_rasa_cannot_take_says_so_and_stays_owed(client, sqlite_sessions, rasa):
    with sqlite_sessions() as s:
        handoff = inbox.open_handoff(s, None, "8" * 32, [], staff_available=True)
        s.commit()
        handoff_id = handoff.id
    rasa.status = 500
    r = client.post(f"/staff/inbox/handoffs/{handoff_id}/reply", json={"text": "hello"}, headers=AUTH)
    assert r.status_code == 502 and "sent again" in r.json()["detail"]
    with sqlite_sessions() as s:
        assert [m.id for m in inbox.owed_staff_messages(s)] == [s.scalars(select(StaffMessage.id)).one()]


@pytest.mark.parametrize("path", ["/staff/inbox/groups", "/staff/inbox/handoffs"])
def test_inbox_refuses_requests_without_a_staff_token(client, path):
    assert client.get(path).status_code == 401


def test_questions_resolved_are_not_grouped_again(client, sqlite_sessions):
    qid = _ask(sqlite_sessions, "9" * 32, CAPSULES[0])
    with sqlite_sessions() as s:
        from db.inbox_models import Resolution

        inbox.resolve(s, [qid], Resolution.dismissed, "bootstrap")
        s.commit()
        assert s.scalars(select(UnansweredQuestion.id)).all() == [qid]
    assert _groups(client) == []
