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
def client(make_settings, folder, sqlite_sessions):
    with TestClient(create_app(make_settings(staff_token="s3cret", lessons_dir=folder))) as c:
        yield c


def _new_lesson_text(folder) -> str:
    """Lesson 1 under a new id (edited as text: PyYAML would turn a branch's `on:` into true)."""
    text = (folder / "01-hello-neuron.yml").read_text()
    assert "id: hello-neuron" in text
    return text.replace("id: hello-neuron", "id: hello-again", 1)


def _match(client, lesson_id="hello-neuron") -> dict[str, str]:
    """If-Match with the ETag the lesson has now, as the page sends it."""
    return {"If-Match": client.get(f"/staff/lessons/{lesson_id}", headers=AUTH).headers["ETag"]}


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
    r = client.put("/staff/lessons/hello-neuron", content=broken, headers={**AUTH, **YAML, **_match(client)})
    assert r.status_code == 422
    errors = r.json()["detail"]["errors"]
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "telepathy" in text)
    assert any(e["line"] == line and "telepathy" in e["message"] for e in errors), errors
    assert (folder / "01-hello-neuron.yml").read_text() == before


def test_lessons_replace_a_lesson_with_a_valid_edit(client, folder):
    text = (folder / "01-hello-neuron.yml").read_text().replace("minutes:", "minutes: 25 #", 1)
    r = client.put("/staff/lessons/hello-neuron", content=text, headers={**AUTH, **YAML, **_match(client)})
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


# ---- the studio: validate as the author types, versions, diff, revert, conflicts, preview -------

def test_lessons_validate_marks_an_error_at_its_line_and_column_and_saves_nothing(client, folder):
    before = (folder / "01-hello-neuron.yml").read_text()
    broken = before.replace("skill: hello_neuron", "skill: telepathy", 1)
    r = client.post("/staff/lessons/validate?replaces=hello-neuron", content=broken, headers={**AUTH, **YAML})
    body = r.json()
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "telepathy" in text)
    assert r.status_code == 200 and body["ok"] is False
    assert any(e["line"] == line and e["column"] > 1 and "telepathy" in e["message"] for e in body["errors"])
    ok = client.post("/staff/lessons/validate?replaces=hello-neuron", content=before, headers={**AUTH, **YAML})
    assert ok.json() == {"ok": True, "id": "hello-neuron", "errors": []}
    assert (folder / "01-hello-neuron.yml").read_text() == before


def test_lessons_publish_without_if_match_is_refused(client, folder):
    text = (folder / "01-hello-neuron.yml").read_text()
    assert client.put("/staff/lessons/hello-neuron", content=text, headers={**AUTH, **YAML}).status_code == 428


def test_lessons_second_author_publishing_the_same_base_gets_a_conflict_not_an_overwrite(client, folder):
    base = (folder / "01-hello-neuron.yml").read_text()
    etag = _match(client)  # both authors opened the same version
    first = base.replace("minutes:", "minutes: 21 #", 1)
    second = base.replace("minutes:", "minutes: 22 #", 1)
    assert client.put("/staff/lessons/hello-neuron", content=first, headers={**AUTH, **YAML, **etag}).status_code == 200
    r = client.put("/staff/lessons/hello-neuron", content=second, headers={**AUTH, **YAML, **etag})
    assert r.status_code == 409
    message = r.json()["detail"]["message"]
    assert "Conflict" in message and "bootstrap published version 2" in message
    assert (folder / "01-hello-neuron.yml").read_text() == first


def test_lessons_every_publish_is_a_version_with_a_diff_and_a_revert_brings_the_old_text_back(client, folder):
    path = folder / "01-hello-neuron.yml"
    shipped = path.read_text()
    edited = shipped.replace("minutes:", "minutes: 30 #", 1)
    r = client.put("/staff/lessons/hello-neuron", content=edited, headers={**AUTH, **YAML, **_match(client)})
    assert r.status_code == 200
    listed = client.get("/staff/lessons/hello-neuron/versions", headers=AUTH).json()
    assert [(v["number"], v["action"], v["author"]) for v in listed] == [(2, "publish", "bootstrap"),
                                                                          (1, "baseline", "file")]
    diff = client.get("/staff/lessons/hello-neuron/diff?old=1&new=2", headers=AUTH).json()["diff"]
    assert "+minutes: 30 #" in diff and diff.count("\n+") == 2  # the +++ header and the one line

    stale = {"If-Match": '"not-the-current-etag"'}
    assert client.post("/staff/lessons/hello-neuron/versions/1/revert", headers={**AUTH, **stale}).status_code == 409
    r = client.post("/staff/lessons/hello-neuron/versions/1/revert", headers={**AUTH, **_match(client)})
    assert r.status_code == 200 and path.read_text() == shipped
    assert client.get("/staff/lessons/hello-neuron/versions/3", headers=AUTH).json()["text"] == shipped
    assert client.get("/staff/lessons/hello-neuron/versions/9", headers=AUTH).status_code == 404


def _preview(client, text, action="start", position=None, **more):
    r = client.post("/staff/lessons/preview", json={"text": text, "action": action, "position": position, **more},
                    headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def test_lessons_preview_grades_answers_and_follows_the_lesson_without_progress_rows(client, sqlite_sessions):
    from db.models import LessonProgress, QuizAttempt
    from tests.api.test_staff import QUIZ_LESSON

    start = _preview(client, QUIZ_LESSON)
    assert start["messages"][0]["text"] == "Hello." and start["waiting"] == "next"
    assert start["step_number"] == 1 and start["total_steps"] == 4
    q1 = _preview(client, QUIZ_LESSON, "next", start["position"])
    options = q1["messages"][0]["buttons"]
    assert [b["title"] for b in options] == ["This one", "That one"] and q1["waiting"] == "answer"
    wrong = options[1]
    after = _preview(client, QUIZ_LESSON, "answer", q1["position"], reply=wrong["value"], step=wrong["step"],
                     attempt=wrong["attempt"])
    assert after["step_id"] == "q1" and "Try again" in after["messages"][0]["text"]  # a retry is left
    right = after["messages"][0]["buttons"][0]
    assert right["attempt"] == 2
    q2 = _preview(client, QUIZ_LESSON, "answer", after["position"], reply=right["value"], step="q1", attempt=2)
    assert q2["step_id"] == "q2" and q2["position"]["passed"] == {"q1": True}
    done = _preview(client, QUIZ_LESSON, "answer", q2["position"], reply="yes")
    assert done["messages"][0]["text"] == "Correct!" and done["step_id"] == "bye"
    with sqlite_sessions() as s:
        assert s.query(LessonProgress).count() == 0 and s.query(QuizAttempt).count() == 0


def test_lessons_preview_of_a_broken_draft_says_where_the_error_is(client):
    from tests.api.test_staff import QUIZ_LESSON

    broken = QUIZ_LESSON.replace("kind: choice", "kind: essay")
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "essay" in text)
    r = client.post("/staff/lessons/preview", json={"text": broken}, headers=AUTH)
    assert r.status_code == 422 and f"line {line}," in r.json()["detail"]
