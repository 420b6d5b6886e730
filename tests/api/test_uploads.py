"""The upload routes (api/routes/uploads.py): the learner comes from the widget's session or the
Slack connector's token, the file is checked by content and stored as the contract's folder, and a
refusal stores nothing."""

import uuid
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from db.models import Learner, Upload
from tests.uploads import files
from uploads import contract

SESSION = uuid.uuid4().hex
TOKEN = "rasa-secret"


@pytest.fixture
def client(make_settings):
    settings = make_settings(rasa_token=TOKEN)
    from db.migrate import upgrade

    upgrade(settings.db_url)
    with TestClient(create_app(settings)) as c:
        yield c


def post(client, data: bytes, name: str = "sales.csv", session: str | None = SESSION):
    headers = {"X-Upload-Name": quote(name)} | ({"X-Tutor-Session": session} if session else {})
    return client.post("/chat/uploads", content=data, headers=headers)


def uploads(client) -> list[Upload]:
    with client.app.state.sessions() as s:
        return list(s.scalars(select(Upload)))


def test_a_web_upload_is_stored_for_the_session_with_its_normalised_folder(client):
    r = post(client, files.series_csv(), name="my sales.csv")
    body = r.json()
    assert r.status_code == 200 and body["kind"] == "series" and body["choices"] == []
    assert body["message"] == f'/train_on_upload{{"upload": "{body["upload"]}"}}'
    [upload] = uploads(client)
    with client.app.state.sessions() as s:
        learner = s.get(Learner, upload.learner_id)
        assert (learner.channel, learner.external_id) == ("socketio", SESSION)
    folder = client.app.state.settings.var_dir / upload.folder
    assert folder == contract.upload_dir(client.app.state.settings.var_dir, learner.public_id, upload.public_id)
    assert upload.name == "my sales.csv" and len(contract.read_series(folder)) == 120


def test_an_upload_without_a_valid_session_is_refused(client):
    assert post(client, files.series_csv(), session=None).status_code == 401
    assert post(client, files.series_csv(), session="not-a-session").status_code == 401
    assert uploads(client) == []


@pytest.mark.parametrize(("data", "words"), [
    (files.series_csv(rows=50), "I need at least 100"),
    (bytes(range(256)) * 4, "none of those"),
    (files.images_zip({"cats": 12, "dogs": 3}), "at least 10 images"),
    (files.traversal_zip(), "points outside the archive"),
    (files.bomb_zip(), "ZIP bomb"),
], ids=["too-few-rows", "wrong-type", "too-few-images", "traversal", "bomb"])
def test_a_refused_upload_gets_its_sentence_and_stores_nothing(client, data, words):
    r = post(client, data)
    assert r.status_code == 422 and words in r.json()["detail"]
    assert uploads(client) == []
    assert not (client.app.state.settings.var_dir / "uploads").exists() or not any(
        (client.app.state.settings.var_dir / "uploads").rglob("*.json"))


def test_a_file_over_20_mb_is_refused_while_it_is_read(client):
    r = post(client, b"1\n" * (10 * 1024 * 1024 + 1))
    assert r.status_code == 413 and "at most 20 MB" in r.json()["detail"] and uploads(client) == []


def test_the_learners_100_mb_quota_counts_their_stored_uploads(client):
    assert post(client, files.series_csv()).status_code == 200
    with client.app.state.sessions() as s:
        s.execute(Upload.__table__.update().values(size_bytes=100 * 1024 * 1024 - 10))
        s.commit()
    r = post(client, files.series_csv())
    assert r.status_code == 422 and "of your 100 MB" in r.json()["detail"]
    assert post(client, files.series_csv(), session=uuid.uuid4().hex).status_code == 200  # another learner


def test_the_slack_route_needs_rasas_token_and_a_slack_id(client):
    data, user = files.labelled_csv(), "UABC123"
    assert client.post("/chat/uploads/slack", content=data, headers={"X-Tutor-Learner": user}).status_code == 401
    wrong = {"X-Tutor-Learner": user, "Authorization": "Bearer nope"}
    assert client.post("/chat/uploads/slack", content=data, headers=wrong).status_code == 401
    spoof = {"X-Tutor-Learner": SESSION, "Authorization": f"Bearer {TOKEN}"}
    assert client.post("/chat/uploads/slack", content=data, headers=spoof).status_code == 422
    ok = client.post("/chat/uploads/slack", content=data,
                     headers={"X-Tutor-Learner": user, "Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["kind"] == "text"
    with client.app.state.sessions() as s:
        learner = s.get(Learner, uploads(client)[0].learner_id)
        assert (learner.channel, learner.external_id) == ("slack", user)
