"""'Forget me' asks first, then deletes every row and file of the asking learner, none of another's."""

from sqlalchemy import func, select

from actions.forget_me import ActionForgetMe
from db import repository as repo
from db.models import Artifact, Job, JobStatus, Learner, LessonProgress, QuizAttempt, UnansweredQuestion
from jobs import artifacts
from tests.actions.conftest import texts, tracker_for


def _learner_with_everything(sessions, settings, sender):
    """A learner with a finished job, its artifact row and file, a lesson, a quiz answer and a
    question for staff; returns the job folder on disk."""
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", sender)
        job = repo.create_job(s, learner, sender, "hello_neuron", {})
        s.commit()
        repo.claim_next_job(s, "w")
        job = repo.get_job(s, job.id)
        repo.set_status(s, job, JobStatus.succeeded, result={"metrics": {}})
        folder = artifacts.job_dir(settings, job.public_id)
        folder.mkdir(parents=True)
        (folder / "m.tflite").write_bytes(b"x" * 10)
        repo.add_artifact(s, job, "tflite", "m.tflite", "application/octet-stream", 10)
        s.add(LessonProgress(learner_id=learner.id, lesson_id="hello-neuron", conversation_id=sender, job_id=job.id))
        s.add(QuizAttempt(learner_id=learner.id, lesson_id="hello-neuron", step_id="q1", answer="b", correct=True,
                          try_number=1))
        repo.record_unanswered(s, learner, sender, "what is a tensor?", None, None)
        s.commit()
        return folder


def _count(sessions, model, sender):
    with sessions() as s:
        learner = s.scalar(select(Learner).where(Learner.external_id == sender))
        if learner is None:
            return 0
        if model is Learner:
            return 1
        if model is Artifact:
            return s.scalar(select(func.count()).select_from(Artifact).join(Job).where(Job.learner_id == learner.id))
        return s.scalar(select(func.count()).select_from(model).where(model.learner_id == learner.id))


MODELS = (Learner, Job, Artifact, LessonProgress, QuizAttempt, UnansweredQuestion)


def test_forget_me_first_asks_and_deletes_nothing(action_db, settings, dispatcher):
    folder = _learner_with_everything(action_db, settings, "learner-1")
    ActionForgetMe().run(dispatcher, tracker_for("forget me", intent="forget_me"), {})
    assert "can't be undone" in texts(dispatcher)
    assert dispatcher.messages[0]["buttons"][0]["payload"] == '/forget_me{"confirm": "yes"}'
    assert folder.is_dir() and all(_count(action_db, m, "learner-1") == 1 for m in MODELS)


def test_forget_me_confirmed_deletes_every_row_and_file_of_that_learner_and_nothing_of_another(
        action_db, settings, dispatcher):
    mine = _learner_with_everything(action_db, settings, "learner-1")
    theirs = _learner_with_everything(action_db, settings, "someone-else")
    click = tracker_for('/forget_me{"confirm": "yes"}', intent="forget_me",
                        entities=[{"entity": "confirm", "value": "yes"}])
    ActionForgetMe().run(dispatcher, click, {})
    assert [m.__name__ for m in MODELS if _count(action_db, m, "learner-1")] == []
    assert not mine.exists()
    assert all(_count(action_db, m, "someone-else") == 1 for m in MODELS) and (theirs / "m.tflite").is_file()
    said = texts(dispatcher)
    assert "1 trainings and exports" in said and "1 quiz answers" in said and "1 lesson records" in said
