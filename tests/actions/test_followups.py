"""Replies that depend on the learner's previous message (actions/followups.py)."""

from rasa_sdk import Tracker

from actions.answer_question import OFF_TOPIC, ActionAnswerQuestion
from tests.actions.conftest import texts


def _tracker(*turns: tuple[str, str]) -> Tracker:
    """A conversation of (text, intent) learner turns, the last one being answered now."""
    events = []
    for text, intent in turns:
        events += [{"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}}},
                   {"event": "action", "name": "action_listen"}]
    message = events[-2]["parse_data"] | {"entities": []}
    return Tracker("learner-1", {}, message, events[:-1], False, None, {}, "action_listen")


def test_and_this_one_right_after_a_classification_classifies_the_new_sentence(action_db, dispatcher):
    ActionAnswerQuestion().run(dispatcher, _tracker(
        ("is this positive: the ending was a letdown", "classify_sentiment"),
        ("and this one: best two hours all year", "out_of_scope")), {})
    assert "You need your own sentiment model first" in texts(dispatcher) and OFF_TOPIC not in texts(dispatcher)


def test_a_job_result_pushed_in_between_is_not_the_learners_previous_message(action_db, dispatcher):
    ActionAnswerQuestion().run(dispatcher, _tracker(
        ("is this positive: the ending was a letdown", "classify_sentiment"),
        ("EXTERNAL: EXTERNAL_job_result", "EXTERNAL_job_result"),
        ("and this one: best two hours all year", "out_of_scope")), {})
    assert "You need your own sentiment model first" in texts(dispatcher)


def test_follow_ups_in_a_row_still_count_as_the_tool_they_followed(action_db, dispatcher):
    ActionAnswerQuestion().run(dispatcher, _tracker(
        ("tokenize: the cat sat on the mat", "tokenize_text"),
        ("now: a dog barked twice", "out_of_scope"),
        ("what about 'unbelievably good'", "faq")), {})
    assert "Tokenizing it two ways" in texts(dispatcher)


def test_the_same_words_with_no_sentence_tool_before_them_are_answered_as_usual(action_db, dispatcher):
    ActionAnswerQuestion().run(dispatcher, _tracker(
        ("train a neuron", "train_neuron"),
        ("and this one: best two hours all year", "out_of_scope")), {})
    assert texts(dispatcher).startswith(OFF_TOPIC)
