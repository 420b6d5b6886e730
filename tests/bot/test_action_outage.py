"""Which failed action calls get the "send it again" message (bot/action_outage.py); the real
Rasa with a killed action server is tests/faults/test_action_server_killed.py."""

from types import SimpleNamespace

import pytest

from bot.action_outage import answers_a_learner


def _tracker(intent):
    return SimpleNamespace(latest_message=SimpleNamespace(intent={"name": intent} if intent else {}))


@pytest.mark.parametrize("intent", ["lesson_answer", "train_neuron", "faq", None])
def test_a_learners_own_message_whose_action_failed_is_answered(intent):
    assert answers_a_learner(_tracker(intent))


@pytest.mark.parametrize("intent", ["EXTERNAL_job_result", "EXTERNAL_job_progress"])
def test_a_pushed_intent_whose_action_failed_stays_silent_since_the_worker_sends_it_again(intent):
    assert not answers_a_learner(_tracker(intent))
