"""action_train_skill: the intent picks the skill, the words pick the settings, Params the bounds."""

from actions.train_skill import ActionTrainSkill
from db import repository as repo
from db.models import Job, JobStatus
from skills.textgen import Params as TextgenParams
from tests.actions.conftest import jobs_in_order, only_job, texts, tracker_for


def _run(dispatcher, text, intent, sender="learner-1"):
    ActionTrainSkill().run(dispatcher, tracker_for(text, sender=sender, intent=intent), {})


def test_train_skill_queues_a_sentiment_job_with_the_learners_settings(action_db, dispatcher):
    _run(dispatcher, "train a bilstm sentiment model for 5 epochs", "train_sentiment")
    with action_db() as s:
        job = only_job(s)
        assert job.skill == "sentiment" and job.status is JobStatus.queued
        assert job.params["model"] == "bilstm" and job.params["epochs"] == 5
    assert f"Job #{job.id}" in texts(dispatcher) and "training a bidirectional LSTM" in texts(dispatcher)
    assert dispatcher.messages[0]["custom"]["data"]["skill"] == "sentiment"


def test_train_skill_reads_textgen_seed_words_and_temperature(action_db, dispatcher):
    _run(dispatcher, 'generate 30 words starting with "the rain was falling" with temperature 0.5',
         "train_textgen")
    with action_db() as s:
        params = only_job(s).params
    assert params["num_words"] == 30 and params["temperature"] == 0.5
    assert params["seed_text"] == "the rain was falling"


def test_train_skill_refuses_out_of_range_settings_naming_the_limit_and_makes_no_job(action_db, dispatcher):
    _run(dispatcher, "train a sentiment model with 500 epochs", "train_sentiment")
    assert "Epochs must be a whole number from 1 to 100; you asked for 500." in texts(dispatcher)
    _run(dispatcher, "generate 5000 words", "train_textgen")
    assert "Num words must be a whole number from 1 to 100; you asked for 5,000." in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_train_skill_uses_a_default_for_an_option_named_without_a_value_and_says_so(action_db, dispatcher, settings):
    settings.max_active_jobs = 3  # three jobs wait at once: above the default fair-use limit
    _run(dispatcher, "forecast a synthetic time series with seasonality for me", "train_timeseries")
    assert "You didn't give a number, so I used amplitude 40" in texts(dispatcher)
    _run(dispatcher, "train a cnn with dropout", "train_vision")
    assert "so I used dropout 0.3" in texts(dispatcher)
    _run(dispatcher, "generate text with a high temperature", "train_textgen")
    with action_db() as s:
        jobs = s.query(Job).order_by(Job.id).all()
        assert len(jobs) == 3
        assert jobs[0].params["amplitude"] == 40 and jobs[1].params["dropout"] == 0.3
        assert jobs[2].params["temperature"] > TextgenParams().temperature


def test_train_skill_promises_the_dataset_the_learner_named(action_db, dispatcher):
    _run(dispatcher, "train a cnn on fashion mnist for 3 epochs", "train_vision")
    with action_db() as s:
        assert only_job(s).params["dataset"] == "fashion_mnist"
    assert "Fashion-MNIST's 28x28 clothing photos" in texts(dispatcher) and "digits" not in texts(dispatcher)


def test_train_skill_answers_an_intent_it_does_not_know_without_a_job(action_db, dispatcher):
    _run(dispatcher, "train something", "greet")
    assert "not sure which model" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_train_skill_reads_timeseries_settings_and_refuses_too_much_noise(action_db, dispatcher):
    _run(dispatcher, "forecast a time series with noise 10, slope 0.1 and window size 30", "train_timeseries")
    with action_db() as s:
        params = only_job(s).params
    assert params["noise_level"] == 10 and params["slope"] == 0.1 and params["window_size"] == 30
    _run(dispatcher, "forecast a time series with noise 500", "train_timeseries")
    assert "Noise level must be from 0 to 100; you asked for 500." in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 1


def test_train_skill_gives_a_vision_rerun_the_learners_previous_metrics_to_compare(action_db, dispatcher):
    _run(dispatcher, "train a cnn on the digits", "train_vision")
    with action_db() as s:
        first = only_job(s)
        assert first.params["previous"] is None
        repo.claim_next_job(s, "w")
        repo.set_status(s, first, JobStatus.succeeded,
                        result={"metrics": {"val_accuracy": 0.95, "overfit_gap": 0.06}})
        s.commit()
    _run(dispatcher, "train a dense with dropout 0.3", "train_vision")
    _run(dispatcher, "train a cnn", "train_vision", sender="someone-else")
    with action_db() as s:
        _, second, other = jobs_in_order(s)
    assert second.params["model"] == "dense" and second.params["dropout"] == 0.3
    assert second.params["previous"] == {"val_accuracy": 0.95, "overfit_gap": 0.06}
    assert other.params["previous"] is None  # another learner's run is not theirs to compare


def _trained(sessions, dispatcher, text, metrics):
    """The learner's first training, asked for in `text`, finished with `metrics`."""
    _run(dispatcher, text, "train_vision")
    with sessions() as s:
        job = only_job(s)
        assert repo.claim_next_job(s, "worker") is job
        repo.set_status(s, job, JobStatus.succeeded, result={"metrics": metrics})
        s.commit()
        return job


def test_rerun_it_redoes_the_learners_last_training_with_only_what_the_message_changes(action_db, dispatcher):
    first = _trained(action_db, dispatcher, "train a dense network for 7 epochs", {"val_accuracy": 0.91})
    _run(dispatcher, "rerun it with dropout 0.3 and some augmentation", "rerun_last")
    with action_db() as s:
        _, second = jobs_in_order(s)
    assert second.skill == "vision"
    assert (second.params["model"], second.params["epochs"]) == ("dense", 7)  # kept from the last run
    assert (second.params["dropout"], second.params["augmentation"]) == (0.3, True)  # changed
    assert second.params["previous"] == {"val_accuracy": 0.91}
    assert f"run {first.id}" in texts(dispatcher) and "dropout 0.0 -> 0.3" in texts(dispatcher)


def test_rerun_with_more_epochs_doubles_the_last_runs_epochs_not_the_default(action_db, dispatcher):
    _trained(action_db, dispatcher, "train a cnn for 4 epochs", {"val_accuracy": 0.9})
    _run(dispatcher, "same again with more epochs", "rerun_last")
    with action_db() as s:
        assert jobs_in_order(s)[1].params["epochs"] == 8


def test_rerun_without_a_previous_training_starts_nothing_and_says_what_to_do(action_db, dispatcher):
    _run(dispatcher, "rerun it with dropout 0.3", "rerun_last")
    with action_db() as s:
        assert jobs_in_order(s) == []
    assert "haven't trained anything yet" in texts(dispatcher)


def test_rerun_refuses_an_out_of_range_change_and_keeps_the_old_run(action_db, dispatcher):
    _trained(action_db, dispatcher, "train a cnn", {"val_accuracy": 0.9})
    _run(dispatcher, "rerun it with dropout 0.9", "rerun_last")
    with action_db() as s:
        assert len(jobs_in_order(s)) == 1
    assert "0.5" in texts(dispatcher)  # the bound the refusal names


def test_right_after_the_lesson_list_naming_a_lesson_starts_it_instead_of_a_training(action_db, dispatcher):
    from rasa_sdk import Tracker

    listed = {"event": "user", "text": "what lessons are there", "parse_data": {"intent": {"name": "list_lessons"}}}
    text = "lets do the computer vision one"
    message = {"text": text, "intent": {"name": "train_vision", "confidence": 0.96}, "entities": []}
    events = [listed, {"event": "action", "name": "action_lesson"},
              {"event": "user", "text": text, "parse_data": message}]
    events_out = ActionTrainSkill().run(dispatcher, Tracker("learner-1", {}, message, events, False, None, {},
                                                            "action_listen"), {})
    from sqlalchemy import select

    from db.models import LessonProgress

    with action_db() as s:
        assert jobs_in_order(s) == []  # no CNN training
        assert [p.lesson_id for p in s.scalars(select(LessonProgress))] == ["computer-vision"]
    assert events_out and events_out[0]["name"] == "lesson_asking"
    # The same words without the lesson list before them are a training request.
    _run(dispatcher, text, "train_vision")
    with action_db() as s:
        assert only_job(s).skill == "vision"


def test_train_skill_promises_a_pooling_sentiment_model_with_the_right_article(action_db, dispatcher):
    _run(dispatcher, "train a sentiment model", "train_sentiment")
    assert "I'm training an embedding + average pooling sentiment classifier" in texts(dispatcher)
