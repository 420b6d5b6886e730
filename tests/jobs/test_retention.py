"""Artifact retention and the disk guard: old files go, needed files stay, a full disk refuses."""

from datetime import timedelta

from db import repository as repo
from db.models import JobStatus, LessonProgress, utcnow
from jobs import artifacts, retention
from jobs.retention import Run, expired

NOW = utcnow()


def test_expired_takes_old_runs_then_the_oldest_until_the_rest_fit_and_never_a_kept_one():
    runs = [Run(1, NOW - timedelta(days=40), 10), Run(2, NOW - timedelta(days=5), 50),
            Run(3, NOW - timedelta(days=4), 50), Run(4, NOW - timedelta(days=3), 50),
            Run(5, NOW - timedelta(days=50), 10)]
    assert expired(runs, keep=set(), now=NOW, max_age=timedelta(days=30), max_total_bytes=1000) == [5, 1]
    assert expired(runs, keep={5}, now=NOW, max_age=timedelta(days=30), max_total_bytes=80) == [1, 2, 3]


def _run(s, settings, learner, skill, days_ago, size=1000):
    job = repo.create_job(s, learner, learner.external_id, skill, {})
    s.flush()
    repo.set_status(s, job, JobStatus.running)
    repo.set_status(s, job, JobStatus.succeeded)
    job.finished_at = NOW - timedelta(days=days_ago)
    folder = artifacts.job_dir(settings, job.public_id)
    folder.mkdir(parents=True)
    (folder / "model.keras").write_bytes(b"x" * size)
    repo.add_artifact(s, job, "model", "model.keras", "application/octet-stream", size)
    job.result = {"artifacts": [{"kind": "model", "url": "u"}]}
    return job


def test_retention_keeps_what_lessons_exports_and_latest_models_need(sqlite_sessions, settings):
    with sqlite_sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "l1")
        old = _run(s, settings, learner, "vision", 60)
        in_lesson = _run(s, settings, learner, "vision", 59)
        exported = _run(s, settings, learner, "sentiment", 58)
        _run(s, settings, learner, "sentiment", 57)  # newer sentiment run: `exported` is not the latest
        latest_vision = _run(s, settings, learner, "vision", 56)
        s.add(LessonProgress(learner=learner, lesson_id="l", conversation_id="l1", job_id=in_lesson.id))
        repo.create_job(s, learner, "l1", "export", {"source_job_id": exported.id})  # queued export
        s.commit()
        gone = retention.apply(s, settings)
        s.commit()
        assert old.id in gone
        assert not {in_lesson.id, exported.id, latest_vision.id} & set(gone)
        assert not artifacts.job_dir(settings, old.public_id).exists()
        assert artifacts.job_dir(settings, in_lesson.public_id).exists()
        s.refresh(old)
        assert old.artifacts == [] and old.result["artifacts"] == [] and "artifacts_expired_at" in old.result


def test_retention_removes_the_oldest_files_when_all_of_them_are_over_the_size_limit(sqlite_sessions, make_settings):
    settings = make_settings(artifact_max_total_mb=0.002)  # 2 kB: room for two 1 kB runs
    with sqlite_sessions() as s:
        runs = [_run(s, settings, repo.get_or_create_learner(s, "socketio", f"l{i}"), "vision", 3 - i)
                for i in range(3)]
        learner = repo.get_or_create_learner(s, "socketio", "l0")
        _run(s, settings, learner, "vision", 0)  # l0's latest: its first run may go
        s.commit()
        assert retention.apply(s, settings) == [runs[0].id]


def test_disk_nearly_full_compares_free_space_with_the_threshold():
    assert retention.disk_nearly_full(100 * 1024 * 1024, min_free_mb=500)
    assert not retention.disk_nearly_full(600 * 1024 * 1024, min_free_mb=500)


def test_uploads_older_than_the_artifact_age_go_unless_a_live_job_reads_them(sqlite_sessions, settings):
    from api.routes.uploads import save
    from db.models import Upload
    from tests.uploads import files

    ids = [save(sqlite_sessions, settings, "socketio", "l1", name, files.series_csv())["upload"]
           for name in ("old.csv", "read.csv", "new.csv")]
    with sqlite_sessions() as s:
        old, read, new = (s.query(Upload).filter_by(public_id=i).one() for i in ids)
        old.created_at = read.created_at = NOW - timedelta(days=settings.artifact_max_age_days + 1)
        repo.create_job(s, old.learner, "l1", "timeseries", {"upload_dir": str(settings.var_dir / read.folder)})
        s.commit()
        assert retention.apply_uploads(s, settings) == [old.id]
        s.commit()
        assert not (settings.var_dir / old.folder).exists() and (settings.var_dir / read.folder).is_dir()
        assert {u.public_id for u in s.query(Upload)} == {ids[1], ids[2]}
