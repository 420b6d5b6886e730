"""action_answer_question renders what the understanding layer decided: an answer, a decline
(nothing for staff), or "not sure" with the closest topics (kept for staff)."""

import pytest

from actions.answer_question import ActionAnswerQuestion, render
from db import repository as repo
from tests.actions.conftest import tracker_for, tracker_from_router

pytestmark = pytest.mark.slow


def _ask(dispatcher, router, text):
    ActionAnswerQuestion().run(dispatcher, tracker_from_router(router, text), {})
    return dispatcher.messages


def test_answer_question_serves_an_ama_answer_verbatim_with_attribution(router, dispatcher, action_db):
    text, payload = _ask(dispatcher, router, "How much theory do you cover in your book?")
    entry = router.entries[payload["custom"]["data"]["faq_id"]]
    assert entry.kind == "ama" and entry.asker == "Matthew Emerick"
    assert text["text"].startswith("Laurence Moroney answered this in the book's AMA (asked by Matthew Emerick)")
    assert entry.answer in text["text"]


def test_answer_question_declines_an_off_topic_request_without_telling_staff(router, dispatcher, action_db):
    (message,) = _ask(dispatcher, router, "order me a pizza")
    assert "outside what I do" in message["text"] and not message.get("buttons")
    with action_db() as s:
        assert repo.list_unanswered(s) == []


def test_a_question_in_another_language_gets_an_english_reply_with_starters_and_no_staff_row(
        router, dispatcher, action_db):
    (message,) = _ask(dispatcher, router, "Wie kann ich mein Modell schneller trainieren?")
    assert message["text"].startswith("Sorry, I only understand English")
    assert [b["payload"] for b in message["buttons"]] == ["/help", "/train_neuron", "/list_lessons"]
    with action_db() as s:
        assert repo.list_unanswered(s) == []


def test_answer_question_when_unsure_offers_topics_and_stores_the_question(dispatcher, action_db):
    decision = {"intent": "faq", "entry_id": None, "score": 0.41,
                "closest": [["dropout", 0.41], ["overfitting", 0.4], ["pooling", 0.3]]}
    ActionAnswerQuestion().run(dispatcher, tracker_for(
        "how do capsule networks route between layers?", intent="faq", understanding=decision), {})
    (message,) = dispatcher.messages
    assert "not sure" in message["text"] and len(message["buttons"]) == 3
    assert [b["title"] for b in message["buttons"]] == ["Dropout", "Overfitting", "Pooling"]
    with action_db() as s:
        (stored,) = repo.list_unanswered(s)
        assert stored.text == "how do capsule networks route between layers?"
        assert stored.best_guess == "dropout"


def test_answer_question_button_serves_the_picked_topic(dispatcher, action_db):
    ActionAnswerQuestion().run(dispatcher, tracker_for(
        '/faq{"faq_id":"dropout"}', intent="faq", entities=[{"entity": "faq_id", "value": "dropout"}]), {})
    _, payload = dispatcher.messages
    assert payload["custom"]["data"] == {"type": "faq", "faq_id": "dropout", "kind": "concept",
                                         "topic": "Dropout", "score": None}


def test_answer_question_offers_the_run_beside_the_explanation_when_both_are_close(dispatcher, action_db):
    decision = {"intent": "faq", "entry_id": "neuron", "score": 0.7, "alternative": "train_neuron"}
    ActionAnswerQuestion().run(dispatcher, tracker_for(
        "single neuron y = 2x - 1", intent="faq", understanding=decision), {})
    explanation, offer, payload = dispatcher.messages
    assert "weight" in explanation["text"] and not explanation.get("buttons")
    assert offer["buttons"] == [{"title": "Run it: train a neuron to learn y = 2x - 1",
                                 "payload": "train a neuron to learn y = 2x - 1"}]
    assert payload["custom"]["data"]["faq_id"] == "neuron"


def test_an_aside_to_everybody_is_served_verbatim_without_an_asker():
    from faq.knowledge import load

    aside = next(e for e in load() if e.kind == "ama" and e.asker is None)
    text = render(aside)
    assert text.startswith("Laurence Moroney said this to everyone in the book's AMA")
    assert aside.answer in text and "asked by" not in text
