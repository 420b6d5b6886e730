"""bot/input_guard.py's rules, as pure functions (the stack tests in tests/security check them on
every channel through real Rasa)."""

import uuid

import pytest

from bot import input_guard
from bot.input_guard import FOREIGN_SESSION, check, is_internal_payload
from jobs.notify import PROGRESS_INTENT, RESULT_INTENT
from tutor.settings import Settings

WEB = uuid.uuid4().hex


def test_the_guard_default_is_the_settings_default():
    assert Settings.model_fields["max_message_chars"].default == input_guard.DEFAULT_MAX_CHARS


def test_a_message_over_the_cap_is_answered_and_not_parsed():
    refusal, text = check("x" * 2001, "socketio", WEB, 2000)
    assert text is None
    assert "too long" in refusal and "2,000 characters" in refusal


def test_a_message_at_the_cap_is_parsed():
    assert check("x" * 2000, "socketio", WEB, 2000) == (None, "x" * 2000)


def test_the_cap_can_be_set(monkeypatch):
    monkeypatch.setenv("TUTOR_MAX_MESSAGE_CHARS", "50")
    assert input_guard.max_chars() == 50


@pytest.mark.parametrize("intent", [PROGRESS_INTENT, RESULT_INTENT])
def test_every_intent_the_worker_sends_counts_as_internal(intent):
    assert is_internal_payload(f'/{intent}{{"job_id": 7}}')


@pytest.mark.parametrize("text", [
    '/EXTERNAL_job_result{"job_id": 7}',
    '  /EXTERNAL_job_result@1.0{"job_id": 7}',
    '/EXTERNAL_job_progress',
    '/lesson_answer{"answer": "b", "job_id": 7}',  # an internal entity on a learner's intent
])
def test_a_typed_internal_payload_is_read_as_plain_words(text):
    refusal, parsed = check(text, "socketio", WEB, 2000)
    assert refusal is None
    assert not parsed.startswith("/") and parsed in text


@pytest.mark.parametrize("text", [
    '/lesson_answer{"answer": "b"}', '/faq{"faq_id":"ama-math"}', '/start_lesson{"lesson": "hello-neuron"}',
    "/train_neuron", "/help", '/retry_job{"failed_job": "47"}', "what is 1/2?", "EXTERNAL_job_result",
    "/lesson_answer{not json}",
])
def test_learners_own_payloads_and_ordinary_text_pass_unchanged(text):
    assert check(text, "socketio", WEB, 2000) == (None, text)


def test_a_web_message_with_a_slack_learners_conversation_id_is_refused():
    assert check("show my models", "socketio", "U0123ABCD", 2000) == (FOREIGN_SESSION, None)


def test_an_empty_message_passes():
    assert check(None, "slack", "U0123ABCD", 2000) == (None, "")
