"""action_my_run: questions about the learner's own runs get that run's numbers; the knowledge
base's answer is the fallback, and another learner's runs are never read."""

from actions.my_run import NO_RUN, ActionMyRun
from db import repository as repo
from db.models import JobStatus
from tests.actions.conftest import texts, tracker_for

CNN = {"model": "cnn", "dropout": 0.0, "augmentation": False, "epochs": 10, "seed": 0}


def _finished(sessions, skill, params, metrics, sender="learner-1", summary="done"):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", sender)
        job = repo.create_job(s, learner, sender, skill, params)
        assert repo.claim_next_job(s, "worker") is job
        repo.set_status(s, job, JobStatus.succeeded, result={"metrics": metrics, "summary": summary})
        s.commit()
        return job.id


def _ask(dispatcher, text, sender="learner-1", closest=None):
    ActionMyRun().run(dispatcher, tracker_for(text, sender=sender, intent="ask_my_run",
                                              understanding={"intent": "ask_my_run", "closest": closest or []}), {})


def test_is_my_model_overfitting_is_answered_from_the_learners_last_run(action_db, dispatcher):
    job = _finished(action_db, "vision", CNN, {"train_accuracy": 0.998, "val_accuracy": 0.931, "val_loss_rise": 0.1})
    _finished(action_db, "vision", CNN, {"train_accuracy": 0.5, "val_accuracy": 0.5}, sender="someone-else")
    _ask(dispatcher, "is my model overfitting?")
    said = texts(dispatcher)
    assert said.startswith("Yes") and f"run {job}" in said and "0.931" in said


def test_which_run_was_better_compares_the_last_two_runs_of_that_model(action_db, dispatcher):
    first = _finished(action_db, "vision", CNN, {"val_accuracy": 0.931})
    second = _finished(action_db, "vision", {**CNN, "dropout": 0.3}, {"val_accuracy": 0.962})
    _ask(dispatcher, "which run was better?")
    said = texts(dispatcher)
    assert said.startswith(f"Run {second} was better") and f"run {first}" in said and "dropout 0.0 -> 0.3" in said


def test_and_with_dropout_explains_it_on_the_run_and_offers_the_rerun_as_a_button(action_db, dispatcher):
    _finished(action_db, "vision", CNN, {"train_accuracy": 0.99, "val_accuracy": 0.93, "overfit_gap": 0.06})
    _ask(dispatcher, "and with dropout?")
    assert "0.060" in texts(dispatcher)
    rerun = "rerun it with dropout 0.3"
    assert dispatcher.messages[0]["buttons"] == [{"title": rerun.capitalize(), "payload": rerun}]


def test_a_learner_with_no_run_is_told_so_and_gets_the_generic_answer(action_db, dispatcher):
    _ask(dispatcher, "is my model overfitting?", closest=[["overfitting", 0.8]])
    said = texts(dispatcher)
    assert NO_RUN in said and "overfit" in said.replace(NO_RUN, "").lower()
