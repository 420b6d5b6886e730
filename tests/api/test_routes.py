import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from db import repository as repo


@pytest.fixture
def client(settings, sqlite_sessions):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def job_with_files(settings, sqlite_sessions):
    with sqlite_sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "u")
        job = repo.create_job(s, learner, "u", "hello_neuron", {})
        folder = settings.artifacts_dir / job.public_id
        (folder / "tfjs").mkdir(parents=True)
        (folder / "hello_neuron.tflite").write_bytes(b"TFL3-model")
        (folder / "loss.png").write_bytes(b"\x89PNG....")
        (folder / "tfjs" / "model.json").write_text('{"format": "layers-model"}')
        (folder / "secret.txt").write_text("not an artifact")
        repo.add_artifact(s, job, "tflite", "hello_neuron.tflite", "application/octet-stream", 10)
        repo.add_artifact(s, job, "plot", "loss.png", "image/png", 8)
        repo.add_artifact(s, job, "tfjs", "tfjs/model.json", "application/json", 26)
        s.commit()
        return job.public_id


def test_health_is_ok_when_the_database_answers(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_artifact_download_serves_tflite_as_an_attachment(client, job_with_files):
    r = client.get(f"/artifacts/{job_with_files}/hello_neuron.tflite")
    assert r.status_code == 200 and r.content == b"TFL3-model"
    assert r.headers["content-type"] == "application/octet-stream"
    assert 'attachment; filename="hello_neuron.tflite"' in r.headers["content-disposition"]


def test_artifact_download_serves_plots_and_tfjs_json_inline_with_their_types(client, job_with_files):
    plot = client.get(f"/artifacts/{job_with_files}/loss.png")
    assert plot.headers["content-type"] == "image/png"
    model = client.get(f"/artifacts/{job_with_files}/tfjs/model.json")
    assert model.headers["content-type"] == "application/json"
    assert model.json() == {"format": "layers-model"}


@pytest.mark.parametrize("path", ["missing.tflite", "secret.txt", "../tutor.db", "%2e%2e/%2e%2e/tutor.db"])
def test_artifact_download_is_404_for_anything_not_recorded(client, job_with_files, path):
    assert client.get(f"/artifacts/{job_with_files}/{path}").status_code == 404


def test_artifact_download_is_404_for_an_unknown_job(client):
    assert client.get(f"/artifacts/{'0' * 32}/hello_neuron.tflite").status_code == 404


def test_chat_page_points_the_bundled_client_at_rasa(make_settings, sqlite_sessions):
    settings = make_settings(rasa_public_url="http://tutor.example:5005")
    with TestClient(create_app(settings)) as c:
        page = c.get("/")
        assert page.status_code == 200
        assert '"socketUrl": "http://tutor.example:5005"' in page.text
        assert '<script src="/static/chat.js">' in page.text


def test_chat_script_is_served_from_the_npm_build(client, settings):
    r = client.get("/static/chat.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "session_request" in r.text  # the bundled client, not a CDN loader
