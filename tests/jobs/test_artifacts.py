"""jobs/artifacts.resolve is the last guard before a file leaves the server."""

from jobs.artifacts import content_type, resolve


def _job_folder(settings):
    folder = settings.artifacts_dir / "job1"
    folder.mkdir(parents=True)
    (folder / "model.tflite").write_bytes(b"x")
    (settings.var_dir / "tutor-secret.db").write_text("secret")
    return folder


def test_resolve_serves_a_file_inside_the_job_folder(settings):
    folder = _job_folder(settings)
    assert resolve(settings, "job1", "model.tflite") == (folder / "model.tflite").resolve()


def test_resolve_refuses_paths_that_climb_out_of_the_job_folder(settings):
    _job_folder(settings)
    assert resolve(settings, "job1", "../../tutor-secret.db") is None
    assert resolve(settings, "job1", "/etc/passwd") is None


def test_resolve_refuses_a_symlink_that_points_outside(settings):
    folder = _job_folder(settings)
    (folder / "link.tflite").symlink_to(settings.var_dir / "tutor-secret.db")
    assert resolve(settings, "job1", "link.tflite") is None


def test_resolve_refuses_missing_files_and_folders(settings):
    _job_folder(settings)
    assert resolve(settings, "job1", "gone.tflite") is None
    assert resolve(settings, "job1", "") is None


def test_content_types_match_what_browsers_and_tfjs_expect(tmp_path):
    assert content_type(tmp_path / "m.tflite") == "application/octet-stream"
    assert content_type(tmp_path / "model.json") == "application/json"
    assert content_type(tmp_path / "group1-shard1of1.bin") == "application/octet-stream"
    assert content_type(tmp_path / "loss.png") == "image/png"
