import pytest

from actions import runtime
from actions.answer_question import ActionAnswerQuestion
from db import repository as repo
from tests.actions.conftest import tracker_for

pytestmark = pytest.mark.slow


@pytest.fixture
def brain(monkeypatch, faq_brain, action_db):
    monkeypatch.setattr(runtime, "faq", lambda: faq_brain)
    return faq_brain


def _run(dispatcher, text, intent="faq", entities=None):
    ActionAnswerQuestion().run(dispatcher, tracker_for(text, intent=intent, entities=entities), {})
    return dispatcher.messages


def test_answer_question_serves_an_ama_answer_verbatim_with_attribution(brain, dispatcher):
    text, payload = _run(dispatcher, "How much theory do you cover in your book?")
    entry = brain.entry(payload["custom"]["data"]["faq_id"])
    assert entry.kind == "ama" and entry.asker == "Matthew Emerick"
    assert text["text"].startswith("Laurence Moroney answered this in the book's AMA (asked by Matthew Emerick)")
    assert entry.answer in text["text"]


def test_answer_question_declines_an_off_topic_request(brain, dispatcher, action_db):
    (message,) = _run(dispatcher, "order me a pizza", intent="out_of_scope")
    assert "outside what I do" in message["text"]
    with action_db() as s:
        assert repo.list_unanswered(s) == []


def test_answer_question_when_unsure_offers_topics_and_stores_the_question(brain, dispatcher, action_db):
    (message,) = _run(dispatcher, "how do capsule networks route between layers?")
    assert "not sure" in message["text"] and len(message["buttons"]) == 3
    with action_db() as s:
        (stored,) = repo.list_unanswered(s)
        assert stored.text == "how do capsule networks route between layers?"
        assert stored.best_guess in message["buttons"][0]["payload"]


def test_answer_question_button_serves_the_picked_topic(brain, dispatcher):
    _, payload = _run(dispatcher, '/faq{"faq_id":"dropout"}', entities=[{"entity": "faq_id", "value": "dropout"}])
    assert payload["custom"]["data"] == {"type": "faq", "faq_id": "dropout", "kind": "concept",
                                         "topic": "Dropout", "score": None}


def test_answer_question_never_quotes_the_author_for_a_request_rasa_calls_off_topic(brain, dispatcher):
    answer, _ = brain.ask("which books do you recommend after this one?")
    assert answer is not None and answer.entry.kind == "ama"  # close to an AMA answer...
    (message,) = _run(dispatcher, "which books do you recommend after this one?", intent="out_of_scope")
    assert "outside what I do" in message["text"]  # ...but Rasa said off-topic: declined
