from actions.train_neuron import ActionTrainNeuron
from db import repository as repo
from db.models import JobStatus
from tests.actions.conftest import only_job as _only_job
from tests.actions.conftest import texts, tracker_for


def test_train_neuron_queues_a_job_and_answers_with_its_number(action_db, dispatcher):
    ActionTrainNeuron().run(dispatcher, tracker_for("Train a neuron to learn y = 2x - 1"), {})
    with action_db() as s:
        job = _only_job(s)
        assert job.status is JobStatus.queued
        assert job.skill == "hello_neuron"
        assert job.params["epochs"] == 500 and job.params["rule"] == {"weight": 2.0, "bias": -1.0}
        assert job.learner.channel == "socketio" and job.conversation_id == "learner-1"
    assert f"Job #{job.id}" in texts(dispatcher)
    assert dispatcher.messages[0]["custom"]["data"] == {
        "type": "job", "job_id": job.id, "skill": "hello_neuron", "status": "queued"}


def test_train_neuron_passes_the_learners_settings_to_the_job(action_db, dispatcher):
    text = "train on (0, 1), (1, 3), (2, 5) for 800 epochs with learning rate 0.05"
    ActionTrainNeuron().run(dispatcher, tracker_for(text), {})
    with action_db() as s:
        params = _only_job(s).params
    assert params["epochs"] == 800 and params["learning_rate"] == 0.05
    assert params["points"] == [[0, 1], [1, 3], [2, 5]]
    assert "your 3 points" in texts(dispatcher)


def test_train_neuron_rejects_ten_million_epochs_naming_the_limit_and_makes_no_job(action_db, dispatcher):
    ActionTrainNeuron().run(dispatcher, tracker_for("train a neuron for 10 million epochs"), {})
    text = texts(dispatcher)
    assert "from 1 to 5,000" in text and "10,000,000" in text
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_train_neuron_rejects_negative_epochs(action_db, dispatcher):
    ActionTrainNeuron().run(dispatcher, tracker_for("train a neuron for -5 epochs"), {})
    assert "you asked for -5" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_train_neuron_rejects_a_learning_rate_above_one(action_db, dispatcher):
    ActionTrainNeuron().run(dispatcher, tracker_for("train with a learning rate of 2"), {})
    assert "above 0 and at most 1; you asked for 2" in texts(dispatcher)


def test_train_neuron_rejects_more_than_100_points(action_db, dispatcher):
    points = ", ".join(f"({i}, {2 * i})" for i in range(101))
    ActionTrainNeuron().run(dispatcher, tracker_for(f"train on {points}"), {})
    assert "between 2 and 100 points" in texts(dispatcher) and "101 points" in texts(dispatcher)


def test_train_neuron_names_every_problem_once(action_db, dispatcher):
    ActionTrainNeuron().run(dispatcher, tracker_for("train for 0 epochs with lr 5"), {})
    text = texts(dispatcher)
    assert text.count("Epochs must") == 1 and text.lower().count("learning rate must") == 1


def test_train_neuron_explains_an_unreadable_setting(action_db, dispatcher):
    ActionTrainNeuron().run(dispatcher, tracker_for("train for lots of epochs"), {})
    assert "couldn't read how many epochs" in texts(dispatcher)
    with action_db() as s:
        assert repo.count_jobs(s) == 0


def test_train_neuron_tells_the_learner_when_the_job_database_is_down(monkeypatch, settings, dispatcher):
    from actions import runtime
    from db.engine import make_engine, make_session_factory

    # A database file in a folder that does not exist: every connection fails.
    broken = make_session_factory(make_engine(f"sqlite:///{settings.var_dir}/missing/dir/x.db"))
    monkeypatch.setattr(runtime, "sessions", lambda: broken)
    ActionTrainNeuron().run(dispatcher, tracker_for("train a neuron"), {})
    assert "couldn't queue your training" in texts(dispatcher)
    assert "Traceback" not in texts(dispatcher)
