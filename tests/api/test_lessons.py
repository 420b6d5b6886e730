"""Staff lesson CRUD: every write goes through the lesson validator; staff token required."""

import shutil

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from curriculum import LESSONS_DIR

AUTH = {"Authorization": "Bearer s3cret"}
YAML = {"Content-Type": "application/yaml"}


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, target)
    return target


@pytest.fixture
def client(make_settings, folder):
    with TestClient(create_app(make_settings(staff_token="s3cret", lessons_dir=folder))) as c:
        yield c


def _new_lesson_text(folder) -> str:
    """Lesson 1 under a new id (edited as text: PyYAML would turn a branch's `on:` into true)."""
    text = (folder / "01-hello-neuron.yml").read_text()
    assert "id: hello-neuron" in text
    return text.replace("id: hello-neuron", "id: hello-again", 1)


def test_lessons_list_every_shipped_lesson_with_its_counts(client):
    body = client.get("/staff/lessons", headers=AUTH).json()
    assert len(body) >= 8
    first = next(item for item in body if item["id"] == "hello-neuron")
    assert first["steps"] >= 5 and first["quizzes"] >= 3 and first["file"] == "01-hello-neuron.yml"


def test_lessons_read_returns_the_file_text(client, folder):
    body = client.get("/staff/lessons/hello-neuron", headers=AUTH).json()
    assert body["text"] == (folder / "01-hello-neuron.yml").read_text()


def test_lessons_create_a_valid_lesson_saves_it(client, folder):
    r = client.post("/staff/lessons", content=_new_lesson_text(folder), headers={**AUTH, **YAML})
    assert r.status_code == 201 and r.json()["id"] == "hello-again"
    assert (folder / "hello-again.yml").is_file()
    assert client.post("/staff/lessons", content=_new_lesson_text(folder),
                       headers={**AUTH, **YAML}).status_code == 422  # now a duplicate id


def test_lessons_replace_with_a_broken_lesson_is_refused_with_line_and_column_and_saves_nothing(client, folder):
    before = (folder / "01-hello-neuron.yml").read_text()
    broken = before.replace("skill: hello_neuron", "skill: telepathy", 1)
    assert broken != before
    r = client.put("/staff/lessons/hello-neuron", content=broken, headers={**AUTH, **YAML})
    assert r.status_code == 422
    errors = r.json()["detail"]["errors"]
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "telepathy" in text)
    assert any(e["line"] == line and "telepathy" in e["message"] for e in errors), errors
    assert (folder / "01-hello-neuron.yml").read_text() == before


def test_lessons_replace_a_lesson_with_a_valid_edit(client, folder):
    text = (folder / "01-hello-neuron.yml").read_text().replace("minutes:", "minutes: 25 #", 1)
    r = client.put("/staff/lessons/hello-neuron", content=text, headers={**AUTH, **YAML})
    assert r.status_code == 200 and r.json()["minutes"] == 25
    assert (folder / "01-hello-neuron.yml").read_text() == text


def test_lessons_delete_refuses_a_prerequisite_of_another_lesson_but_deletes_a_leaf(client, folder):
    r = client.delete("/staff/lessons/hello-neuron", headers=AUTH)
    assert r.status_code == 409 and "prerequisite" in r.json()["detail"]
    client.post("/staff/lessons", content=_new_lesson_text(folder), headers={**AUTH, **YAML})
    assert client.delete("/staff/lessons/hello-again", headers=AUTH).status_code == 204
    assert not (folder / "hello-again.yml").exists()


def test_lessons_refuse_an_oversized_upload(client):
    r = client.post("/staff/lessons", content="x" * 300_000, headers={**AUTH, **YAML})
    assert r.status_code == 413


@pytest.mark.parametrize("method, path", [("get", "/staff/lessons"), ("get", "/staff/lessons/hello-neuron"),
                                          ("post", "/staff/lessons"), ("put", "/staff/lessons/hello-neuron"),
                                          ("delete", "/staff/lessons/hello-neuron")])
def test_lessons_endpoints_refuse_requests_without_the_staff_token(client, folder, method, path):
    assert getattr(client, method)(path).status_code == 401
    assert (folder / "01-hello-neuron.yml").is_file()
