"""Lesson pictures are served from lessons/images/ and nothing else."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


@pytest.fixture
def client(make_settings, sqlite_sessions, tmp_path):
    lessons = tmp_path / "lessons"
    (lessons / "images").mkdir(parents=True)
    (lessons / "images" / "neuron.png").write_bytes(b"\x89PNG-picture")
    (lessons / "secret.yml").write_text("id: secret")
    with TestClient(create_app(make_settings(lessons_dir=lessons))) as c:
        yield c


def test_lesson_image_is_served_from_the_images_folder(client):
    response = client.get("/lesson-images/neuron.png")
    assert response.status_code == 200 and response.content == b"\x89PNG-picture"
    assert response.headers["content-type"] == "image/png"


@pytest.mark.parametrize("name", ["missing.png", "..%2Fsecret.yml", "secret.yml", "%2E%2E%2Fsecret.png"])
def test_lesson_image_refuses_other_files_and_paths_outside_the_folder(client, name):
    assert client.get(f"/lesson-images/{name}").status_code == 404
