"""The learner's own sentence inside a request ("is this positive: <sentence>", a quoted line):
the command is read from the words around it (pastes.frame), unless a reason is asked for. Our
own examples, on the real router."""

import pytest

from understanding.router import FAQ

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("text, intent", [
    ("is this one positive: the soup was cold and the waiter rude", "classify_sentiment"),
    ("what does my sentiment model think of 'the train was late again'", "classify_sentiment"),
    ("split 'my cat sat on the mat' into tokens please", "tokenize_text"),
    ("send this through the review model please: the second act dragged and the jokes fell flat",
     "classify_sentiment"),
    ("make tokens out of this chorus: here comes the sun and I say it's alright", "tokenize_text"),
])
def test_router_reads_a_command_around_the_learners_own_sentence_not_from_it(router, text, intent):
    assert router.understand(text).intent == intent


@pytest.mark.parametrize("text", [
    "my sentiment model rates 'the cat ate the fish' and 'the fish ate the cat' the same, how?",
    "why does my review classifier call 'not bad at all' negative?",
])
def test_router_answers_a_reason_asked_about_quoted_sentences_instead_of_classifying_them(router, text):
    found = router.understand(text)
    assert found.intent == FAQ and found.entry_id is not None


def test_router_reads_a_quoted_greeting_as_part_of_a_request_not_as_a_greeting(router):
    assert router.understand("how do you say 'good evening' in german").intent == "out_of_scope"
    assert router.understand("tokenize 'good morning everyone'").intent == "tokenize_text"
    assert router.understand("good morning!").intent == "greet"
