"""'tokenize ...' and 'is this positive: ...' become quick jobs on the learner's own data."""

import pytest

from actions.text_tools import ActionClassifySentiment, ActionTokenize, sentence_in
from db import repository as repo
from db.models import JobStatus
from tests.actions.conftest import jobs_in_order, only_job, texts, tracker_for


@pytest.mark.parametrize("text, expected", [
    ('tokenize "I loved this movie"', "I loved this movie"),
    ("tokenize: the food was cold", "the food was cold"),
    ("tokenize unbelievably good", "unbelievably good"),
    ("is this positive: I hated the ending", "I hated the ending"),
])
def test_sentence_in_finds_quoted_colon_or_trailing_text(text, expected):
    command = r"^.*?\btokeni[sz](?:e|ation)|^.*?\bpositive\b"
    assert sentence_in(text, command) == expected


def test_tokenize_queues_a_job_with_the_sentence(action_db, dispatcher):
    ActionTokenize().run(dispatcher, tracker_for('tokenize "I loved it"', intent="tokenize_text"), {})
    with action_db() as s:
        job = only_job(s)
        assert job.skill == "tokenize" and job.params == {"text": "I loved it"}


def test_tokenize_refuses_an_overlong_sentence(action_db, dispatcher):
    ActionTokenize().run(dispatcher, tracker_for("tokenize: " + "word " * 200, intent="tokenize_text"), {})
    assert "at most 500 characters" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_classify_without_a_trained_model_says_how_to_get_one(action_db, dispatcher):
    ActionClassifySentiment().run(dispatcher, tracker_for("is this positive: great", intent="classify_sentiment"), {})
    assert "train a sentiment model" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_classify_uses_the_learners_latest_sentiment_model(action_db, dispatcher):
    with action_db() as s:
        learner = repo.get_or_create_learner(s, "socketio", "learner-1")
        model_job = repo.create_job(s, learner, "learner-1", "sentiment", {})
        s.commit()
        repo.claim_next_job(s, "w")
        repo.set_status(s, repo.get_job(s, model_job.id), JobStatus.succeeded, result={"metrics": {}})
        s.commit()
        model_id = model_job.id
    ActionClassifySentiment().run(
        dispatcher, tracker_for("is this positive: the plot was boring", intent="classify_sentiment"), {})
    with action_db() as s:
        job = jobs_in_order(s)[-1]
        assert job.skill == "sentiment_classify"
        assert job.params == {"source_job_id": model_id, "text": "the plot was boring"}


@pytest.mark.parametrize("action, intent", [(ActionTokenize, "tokenize_text"),
                                            (ActionClassifySentiment, "classify_sentiment")])
def test_sentence_tools_refuse_a_message_over_the_chat_cap_with_the_cap(action_db, dispatcher, action, intent):
    action().run(dispatcher, tracker_for("tokenize: " + "a" * 2001, intent=intent), {})
    assert "at most 2,000 characters" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0
