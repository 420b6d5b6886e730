"""The queries behind the progress reports (db.reports), on SQLite and PostgreSQL: plain ids in,
rows and counts out, no lessons involved (curriculum.reports adds those)."""

import pytest

from db import reports
from db.models import Job, JobStatus, Learner, LessonProgress, LessonStatus, QuizAttempt, utcnow


def _learner(s, name: str) -> Learner:
    learner = Learner(channel="socketio", external_id=name)
    s.add(learner)
    s.flush()
    return learner


def _progress(s, learner, lesson_id, status, step_id, completed=False):
    now = utcnow()
    s.add(LessonProgress(learner_id=learner.id, lesson_id=lesson_id, status=status, step_id=step_id,
                         position={}, conversation_id=learner.external_id, started_at=now,
                         updated_at=now, completed_at=now if completed else None))
    s.flush()


def _answer(s, learner, step_id, correct, seconds=None, lesson_id="alpha"):
    """Flushed one at a time, so ids (which decide the first attempt) follow the calls' order."""
    s.add(QuizAttempt(learner_id=learner.id, lesson_id=lesson_id, step_id=step_id, answer="...",
                      correct=correct, try_number=1, hints_used=0, seconds=seconds))
    s.flush()


@pytest.fixture
def rows(sessions):
    """ann: completed alpha, q1 wrong (4 s) then right, then alpha again with q1 right; one
    succeeded and one failed training. bob: paused in beta at b2, bq right. cid: only talked."""
    with sessions() as s:
        ann, bob, cid = (_learner(s, name) for name in ("ann", "bob", "cid"))
        _progress(s, ann, "alpha", LessonStatus.active, "q1", completed=True)
        _progress(s, bob, "beta", LessonStatus.paused, "b2")
        _answer(s, ann, "q1", False, seconds=4)
        _answer(s, ann, "q1", True)
        _answer(s, bob, "bq", True, lesson_id="beta")
        _answer(s, ann, "q1", True)  # the second run of alpha
        s.add_all([Job(learner=ann, conversation_id="ann", skill="hello_neuron", params={},
                       status=JobStatus.succeeded),
                   Job(learner=ann, conversation_id="ann", skill="vision", params={}, status=JobStatus.failed)])
        s.commit()
        ids = {"ann": ann.id, "bob": bob.id, "cid": cid.id}
    return sessions, ids


def test_first_attempts_are_each_learners_lowest_id_answer_per_question(rows):
    sessions, ids = rows
    with sessions() as s:
        firsts = sorted(reports.first_attempts(s))
    assert firsts == sorted([reports.FirstAttempt(ids["ann"], "alpha", "q1", False, 4.0),
                             reports.FirstAttempt(ids["bob"], "beta", "bq", True, None)])


def test_first_attempts_filter_by_learner_and_by_lesson(rows):
    sessions, ids = rows
    with sessions() as s:
        assert [a.learner_id for a in reports.first_attempts(s, learner_ids=[ids["bob"]])] == [ids["bob"]]
        assert [a.lesson_id for a in reports.first_attempts(s, lesson_ids=["alpha"])] == ["alpha"]
        assert reports.first_attempts(s, learner_ids=[ids["cid"]]) == []


def test_attempt_and_question_counts_count_every_answer_of_every_run(rows):
    sessions, ids = rows
    with sessions() as s:
        assert reports.attempt_counts(s, [ids["ann"], ids["bob"]]) == {
            (ids["ann"], "alpha"): 3, (ids["bob"], "beta"): 1}
        assert reports.question_counts(s, ["alpha", "beta"]) == {("alpha", "q1"): (1, 3), ("beta", "bq"): (1, 1)}
        assert reports.question_counts(s, ["beta"]) == {("beta", "bq"): (1, 1)}


def test_learners_with_progress_leave_out_those_who_only_talked_newest_first_and_page(rows):
    sessions, ids = rows
    with sessions() as s:
        assert [learner.id for learner in reports.learners_with_progress(s)] == [ids["bob"], ids["ann"]]
        assert [learner.id for learner in reports.learners_with_progress(s, limit=1, offset=1)] == [ids["ann"]]


def test_standings_and_rows_are_the_stored_lesson_rows(rows):
    sessions, ids = rows
    with sessions() as s:
        (standing,) = reports.standings(s, ["beta"])
        assert standing == ("beta", LessonStatus.paused, "b2", None)
        assert {row.lesson_id for row in reports.progress_rows(s, [ids["ann"], ids["cid"]])} == {"alpha"}


def test_trainings_count_jobs_per_learner_and_per_status(rows):
    sessions, ids = rows
    with sessions() as s:
        assert reports.trainings(s, [ids["ann"], ids["bob"]]) == {ids["ann"]: 2}
        assert reports.trainings_by_status(s, ids["ann"]) == {JobStatus.succeeded: 1, JobStatus.failed: 1}


def test_find_learner_by_public_id(rows):
    sessions, ids = rows
    with sessions() as s:
        learner = s.get(Learner, ids["ann"])
        assert reports.find_learner(s, learner.public_id).id == ids["ann"]
        assert reports.find_learner(s, "0" * 32) is None
